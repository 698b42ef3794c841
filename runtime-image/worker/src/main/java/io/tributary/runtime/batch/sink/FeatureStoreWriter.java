package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.batch.RecordSink;
import io.tributary.runtime.batch.SecretFiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Writes features to the online store, Redis. Layout, for model servers:
 *
 * <ul>
 *   <li>key {@code <featureView>:<entity key values joined by ':'>}, e.g. {@code
 *       customer_features:42} or {@code store_item:7:1234};
 *   <li>value: a hash of feature name → value as text (numbers in decimal, booleans {@code
 *       true}/{@code false}, objects and arrays as JSON); a null feature is removed from the hash;
 *   <li>TTL: {@code ttl}, refreshed on every write; no TTL when unset.
 * </ul>
 *
 * A model server reads an entity with one {@code HGETALL customer_features:42}. Writes are
 * pipelined ({@value #PIPELINE} commands per round trip). Each write is an idempotent overwrite, so
 * a retried run converges to the same values.
 */
public final class FeatureStoreWriter implements RecordSink {
  static final int PIPELINE = 1000;

  private final FeatureStoreSink spec;
  private final Jedis jedis;
  private final long ttlMillis;
  private Pipeline pipeline;
  private int pending;
  private long written;

  public FeatureStoreWriter(FeatureStoreSink spec, SecretFiles secrets) {
    this.spec = spec;
    String[] hostPort = spec.redisAddress().split(":");
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder().database(spec.database()).timeoutMillis(10_000);
    String password = secrets.read(spec.passwordSecretRef(), "sink.featureStore.passwordSecretRef");
    if (password != null) {
      config.password(password);
    }
    this.jedis = new Jedis(hostPort[0], Integer.parseInt(hostPort[1]), config.build());
    this.ttlMillis = spec.ttl() == null ? 0 : Durations.parse(spec.ttl()).toMillis();
  }

  /** The Redis key of a record's entity. */
  static String key(FeatureStoreSink spec, ObjectNode record) throws BadRecordException {
    StringBuilder sb = new StringBuilder(spec.featureView());
    for (String k : spec.entityKeys()) {
      JsonNode v = record.get(k);
      if (v == null || v.isNull() || v.asText().isEmpty()) {
        throw new BadRecordException("sink", "entity key field " + k + " is missing or null");
      }
      sb.append(':').append(v.asText());
    }
    return sb.toString();
  }

  @Override
  public void write(ObjectNode record) throws BadRecordException {
    String key = key(spec, record);
    Map<String, String> values = new HashMap<>();
    List<String> nulls = new ArrayList<>();
    Iterator<String> names =
        spec.features() != null ? spec.features().iterator() : record.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (spec.features() == null && spec.entityKeys().contains(f)) {
        continue;
      }
      JsonNode v = record.get(f);
      if (v == null || v.isNull()) {
        nulls.add(f);
      } else {
        values.put(f, v.isContainerNode() ? v.toString() : v.asText());
      }
    }
    if (pipeline == null) {
      pipeline = jedis.pipelined();
    }
    if (!values.isEmpty()) pipeline.hset(key, values);
    if (!nulls.isEmpty()) pipeline.hdel(key, nulls.toArray(String[]::new));
    if (ttlMillis > 0) pipeline.pexpire(key, ttlMillis);
    written++;
    if (++pending >= PIPELINE) {
      pipeline.sync();
      pending = 0;
    }
  }

  @Override
  public void commit(RunSummary summary) {
    if (pipeline != null) {
      pipeline.sync();
      pending = 0;
    }
  }

  @Override
  public void abort() {
    // Written entities keep their new values: each is a complete overwrite, and the retry
    // writes them again.
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public void close() {
    jedis.close();
  }
}
