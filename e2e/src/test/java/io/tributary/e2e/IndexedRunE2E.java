package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DataPipeline run split across pods (compute.parallelism 3) on the local cluster: the seeded crm
 * PostgreSQL's customers into a Parquet dataset on the cluster's S3 store, as an Indexed Job of
 * three parts and one commit index. One part's pod is deleted while it reads (its rows arrive
 * slowly: the source query sleeps 30 ms per row of that part, so the deletion lands mid-run);
 * Kubernetes runs the index again, and the dataset, read back with pyarrow as any Hive-style reader
 * would, holds every customer exactly once. status.lastRun adds up the parts.
 */
class IndexedRunE2E {
  private static final String NS = "analytics";
  private static final String NAME = "customers-in-parts";
  private static final String PREFIX = "e2e/customers-in-parts-" + Topics.RUN;

  @BeforeAll
  static void apply() {
    Cluster.requireCluster();
    Kubectl.run("apply", "-f", repo("config/samples/namespaces.yaml")).ok();
    Kubectl.run("apply", "-f", repo("config/samples/data-endpoints.yaml")).ok();
    Kubectl.run("apply", "-f", repo("config/quickstart/demo-secrets.yaml")).ok();
    Kubectl.run("delete", "dp", NAME, "-n", NS, "--ignore-not-found").ok();
  }

  @Test
  void threePartsWithOnePodDeletedMidRunPublishEveryCustomerOnce() {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: DataPipeline
        metadata:
          name: %s
          namespace: %s
        spec:
          source:
            jdbc:
              url: jdbc:postgresql://postgres.tributary-system.svc:5432/crm
              # Part 1's rows (customer_id mod 3 = 1) come 30 ms apart: the test deletes its pod
              # while it still reads.
              query: >-
                SELECT c.customer_id, c.country, c.lifetime_value, c.orders_12m
                FROM public.customers c,
                LATERAL pg_sleep(CASE WHEN c.customer_id %% 3 = 1 THEN 0.03 ELSE 0 END)
              partitionColumn: customer_id
              fetchSize: 50
              userSecretRef: {name: crm-db, key: username}
              passwordSecretRef: {name: crm-db, key: password}
          schema:
            fields:
              - {name: customer_id, type: integer, required: true}
              - {name: country, type: string, required: true}
              - {name: lifetime_value, type: number, required: true}
              - {name: orders_12m, type: integer, required: true}
          sink:
            lake:
              path: s3://lake/%s
              format: parquet
              s3:
                endpoint: http://s3.tributary-system.svc:8333
                pathStyle: true
                accessKeyIdSecretRef: {name: lake-s3, key: access-key-id}
                secretAccessKeySecretRef: {name: lake-s3, key: secret-access-key}
          compute:
            parallelism: 3
            resources: {cpu: 100m, memory: 512Mi}
        """
            .formatted(NAME, NS, PREFIX));

    String part1 = "tributary.io/pipeline=" + NAME + ",batch.kubernetes.io/job-completion-index=1";
    String first =
        await()
            .atMost(Duration.ofMinutes(5))
            .until(
                () ->
                    Kubectl.pods(
                        NS,
                        part1,
                        "jsonpath={.items[?(@.status.phase==\"Running\")].metadata.name}"),
                name -> !name.isBlank());
    Kubectl.run("delete", "pod", first.split(" ")[0], "-n", NS, "--wait=false").ok();

    await()
        .atMost(Duration.ofMinutes(8))
        .untilAsserted(
            () -> {
              String phase = Kubectl.jsonpath("dp", NS, NAME, ".status.lastRun.phase");
              assertThat(phase)
                  .as(
                      "%s: %s",
                      NAME,
                      Kubectl.jsonpath(
                          "dp", NS, NAME, ".status.conditions[?(@.type==\"Ready\")].message"))
                  .isIn("Succeeded", "Failed");
              assertThat(phase).isEqualTo("Succeeded");
            });

    // The deletion happened while the part ran: Kubernetes counted a failed pod of the run's Job
    // and ran index 1 again (one attempt of the run, no retry by the operator).
    String job = Kubectl.jsonpath("dp", NS, NAME, ".status.lastRun.jobName");
    assertThat(Kubectl.jsonpath("job", NS, job, ".spec.completionMode")).isEqualTo("Indexed");
    assertThat(Kubectl.jsonpath("job", NS, job, ".spec.completions")).isEqualTo("4");
    assertThat(Kubectl.jsonpath("job", NS, job, ".status.failed"))
        .as("failed pods of Job %s: index 1's deleted pod, run again by Kubernetes", job)
        .isNotIn("", "0");
    assertThat(Kubectl.jsonpath("dp", NS, NAME, ".status.lastRun.attempt")).isEqualTo("1");

    List<Long> seeded = longs(psql("SELECT customer_id FROM public.customers ORDER BY 1"));
    assertThat(seeded).hasSize(2000);
    assertThat(Kubectl.jsonpath("dp", NS, NAME, ".status.lastRun.recordsRead")).isEqualTo("2000");
    assertThat(Kubectl.jsonpath("dp", NS, NAME, ".status.lastRun.recordsWritten"))
        .isEqualTo("2000");

    // What a reader of the dataset sees: pyarrow skips _staging, _runs and _SUCCESS, as Hive does.
    String read =
        Host.run(
            Host.pyIceberg(),
            "-c",
            """
            import pyarrow.dataset as ds, pyarrow.fs as fs
            s3 = fs.S3FileSystem(endpoint_override="10.244.0.1:8333", scheme="http",
                                 access_key="tributary-demo", secret_key="demo-only-s3-secret",
                                 region="us-east-1")
            t = ds.dataset("lake/%s", format="parquet", filesystem=s3).to_table()
            print("\\n".join(str(v) for v in sorted(t.column("customer_id").to_pylist())))
            """
                .formatted(PREFIX));
    assertThat(longs(read)).as("every customer exactly once").isEqualTo(seeded);
  }

  private static String psql(String query) {
    return Host.psql("crm_reader", "crm", query);
  }

  private static List<Long> longs(String lines) {
    return Arrays.stream(lines.trim().split("\n"))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(Long::parseLong)
        .toList();
  }

  private static String repo(String path) {
    return Kubectl.repo().resolve(path).toString();
  }
}
