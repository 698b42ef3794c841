# The operator image. Build the jars first (mvn -pl operator -am package), then:
#   docker build --build-arg BASE_IMAGE=<a JRE 17 image> -t tributary/operator:dev .
# BASE_IMAGE is any JRE 17 image; pin it by digest wherever the build pulls it, e.g.
#   --build-arg BASE_IMAGE=eclipse-temurin:17-jre@sha256:<digest>
# It has no default, so no build pulls an unpinned tag by accident (docker refuses a blank base).
# e2e/cluster.sh images pulls nothing: it passes a base it debootstrapped from Debian bookworm
# with openjdk-17-jre-headless (docs/security.md).
# VERSION, REVISION and SOURCE fill the OCI labels at the end.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
WORKDIR /opt/tributary
COPY operator/target/lib/ /opt/tributary/lib/
COPY operator/target/tributary-operator-*.jar /opt/tributary/tributary-operator.jar
# The jars above as CycloneDX (mvn package writes it; the io.tributary.image.sbom label points here).
COPY operator/target/sbom.cdx.json /usr/share/doc/tributary/sbom.cdx.json
# Non-root, numeric so runAsNonRoot can verify it without /etc/passwd.
USER 10001:10001
EXPOSE 8080
# `docker run tributary/operator:dev validate /work` runs the offline checks instead of the operator
# (Main dispatches on the first argument; docs/validate.md).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/tributary/tributary-operator.jar"]

# Last, so a new commit does not rebuild the layers above. No license is declared yet (no LICENSE
# file, no <licenses> in pom.xml): SPDX's NOASSERTION says so instead of guessing.
ARG BASE_IMAGE
ARG VERSION=""
ARG REVISION=""
ARG SOURCE=""
LABEL org.opencontainers.image.title="Tributary operator" \
      org.opencontainers.image.description="Kubernetes operator for batch (DataPipeline) and streaming (StreamJob) data pipelines" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="NOASSERTION" \
      org.opencontainers.image.base.name="${BASE_IMAGE}" \
      io.tributary.image.sbom="/usr/share/doc/tributary/sbom.cdx.json"
