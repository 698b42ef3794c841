package io.tributary.runtime.featurestore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.sink.FeatureStoreSink;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The online feature store, Redis, as both engines write it (a DataPipeline run and a StreamJob).
 * Layout, for model servers:
 *
 * <ul>
 *   <li>key {@code <featureView>:<entity key values joined by ':'>}, e.g. {@code
 *       customer_features:42} or {@code store_item:7:1234};
 *   <li>features: {@code features} of the sink, else every field of the plan's sink schema (the
 *       fields the records have after the steps, derived and aggregate fields included) except the
 *       entity keys; only without a sink schema (fields unknown) every field a record has;
 *   <li>value: a hash of feature name → value as text (numbers in decimal, booleans {@code
 *       true}/{@code false}, objects and arrays as JSON); a null feature is removed from the hash;
 *   <li>TTL: {@code ttl}, refreshed on every write; no TTL when unset.
 * </ul>
 *
 * A model server reads an entity with one {@code HGETALL customer_features:42}. Each entity is
 * written by one script call ({@link #WRITE}: HSET, HDEL, PEXPIRE), atomically, pipelined; each
 * write is an idempotent overwrite, so writing a record again converges to the same values.
 *
 * <p>Every reply is checked ({@link #sync}) and a write counts as done only once its reply says so.
 * A key that holds something other than a hash is that record's problem: it is refused untouched
 * (no TTL set on someone else's key). A server that cannot take writes now (out of memory, a
 * read-only replica, loading, unreachable) is {@link Refusal#RETRYABLE}; any other refusal (no
 * permission, an unknown command) is {@link Refusal#PERMANENT}. After a failure the connection is
 * dropped and the next write opens a new one (and loads the script again: a restarted server has
 * forgotten it).
 *
 * @param <T> what the caller attaches to a write, handed back when the write is refused
 */
public final class FeatureStore<T> implements AutoCloseable {
  /**
   * One entity's write. KEYS[1]: the key; ARGV[1]: TTL in ms (0: none); ARGV[2]: n, the features to
   * set; ARGV[3 .. 2+2n]: feature, value pairs; the rest: features to remove. Arguments go to HSET
   * and HDEL 1,000 at a time, below Lua's limit of values one unpack can return.
   */
  static final String WRITE =
      """
      local t = redis.call('TYPE', KEYS[1]).ok
      if t ~= 'hash' and t ~= 'none' then
        return redis.error_reply('WRONGTYPE the key holds a ' .. t .. ', not a hash of features')
      end
      local last = 2 + 2 * tonumber(ARGV[2])
      for i = 3, last, 1000 do
        redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, last)))
      end
      for i = last + 1, #ARGV, 1000 do
        redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
      end
      if tonumber(ARGV[1]) > 0 then
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
      end
      return 1
      """;

  /** What a refused write means. */
  public enum Refusal {
    /** This record cannot be stored as it is: dead-letter it, go on. */
    RECORD,
    /** The server cannot take writes now: a retry may succeed. */
    RETRYABLE,
    /** The server will refuse every write the same way. */
    PERMANENT
  }

  /** Error codes (the first word of an error reply) of a server that cannot write for now. */
  private static final Set<String> TRANSIENT =
      Set.of(
          "OOM",
          "READONLY",
          "LOADING",
          "BUSY",
          "MASTERDOWN",
          "TRYAGAIN",
          "CLUSTERDOWN",
          "NOREPLICAS",
          "NOSCRIPT");

  /** A record that cannot become an entity write (a missing entity key); the reason says why. */
  public static final class Unstorable extends Exception {
    public Unstorable(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The store refused writes as such, or cannot be reached; nothing after the last sync counts. */
  public static final class StoreFailure extends RuntimeException {
    private final Refusal refusal;

    StoreFailure(Refusal refusal, String message, Throwable cause) {
      super(message, cause);
      this.refusal = refusal;
    }

    /** {@link Refusal#RETRYABLE} or {@link Refusal#PERMANENT}. */
    public Refusal refusal() {
      return refusal;
    }
  }

  /** A write the store refused for its record, with the caller's tag and the server's reason. */
  public record Refused<T>(T tag, String reason) {}

  /** One entity's write: its key and the script's arguments. */
  public record Write(String key, List<String> args) {}

  private record Pending<T>(T tag, Response<Object> reply) {}

  private final FeatureStoreSink spec;
  private final String password;

  /** The features written; null: every non-key field of each record. */
  private final List<String> features;

  private final long ttlMillis;
  private final List<Pending<T>> pending = new ArrayList<>();
  private Jedis jedis;
  private String script;
  private Pipeline pipeline;

  /**
   * @param password the AUTH password read from the mounted Secret, or null
   * @param sinkSchema the plan's fields at the sink, or null when they are unknown
   */
  public FeatureStore(FeatureStoreSink spec, String password, SinkSchema sinkSchema) {
    this.spec = spec;
    this.password = password;
    if (spec.features() != null) {
      this.features = List.copyOf(spec.features());
    } else if (sinkSchema != null) {
      this.features =
          sinkSchema.names().stream().filter(n -> !spec.entityKeys().contains(n)).toList();
    } else {
      this.features = null;
    }
    this.ttlMillis = spec.ttl() == null ? 0 : Durations.parse(spec.ttl()).toMillis();
  }

  /** What an error reply (e.g. {@code "OOM command not allowed ..."}) means. */
  public static Refusal refusal(String error) {
    String code = error == null ? "" : error.strip().split("\\s", 2)[0];
    if (code.equals("WRONGTYPE")) {
      return Refusal.RECORD;
    }
    return TRANSIENT.contains(code) ? Refusal.RETRYABLE : Refusal.PERMANENT;
  }

  /** The Redis key of a record's entity. */
  public static String key(FeatureStoreSink spec, ObjectNode record) throws Unstorable {
    StringBuilder sb = new StringBuilder(spec.featureView());
    for (String k : spec.entityKeys()) {
      JsonNode v = record.get(k);
      if (v == null || v.isNull() || v.asText().isEmpty()) {
        throw new Unstorable("entity key field " + k + " is missing or null");
      }
      sb.append(':').append(v.asText());
    }
    return sb.toString();
  }

  /** The write that stores {@code record}: pure, so it can run before any connection. */
  public Write toWrite(ObjectNode record) throws Unstorable {
    String key = key(spec, record);
    List<String> set = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    Iterator<String> names = features != null ? features.iterator() : record.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (features == null && spec.entityKeys().contains(f)) {
        continue;
      }
      JsonNode v = record.get(f);
      if (v == null || v.isNull()) {
        remove.add(f);
      } else {
        set.add(f);
        set.add(v.isContainerNode() ? v.toString() : v.asText());
      }
    }
    List<String> args = new ArrayList<>(2 + set.size() + remove.size());
    args.add(Long.toString(ttlMillis));
    args.add(Integer.toString(set.size() / 2));
    args.addAll(set);
    args.addAll(remove);
    return new Write(key, args);
  }

  /** Connects and loads the script, if not connected. */
  public void connect() {
    if (jedis != null) {
      return;
    }
    String[] hostPort = spec.redisAddress().split(":");
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder().database(spec.database()).timeoutMillis(10_000);
    if (password != null) {
      config.password(password);
    }
    Jedis j = null;
    try {
      j = new Jedis(hostPort[0], Integer.parseInt(hostPort[1]), config.build());
      script = j.scriptLoad(WRITE);
      jedis = j;
    } catch (JedisConnectionException e) {
      closeQuietly(j);
      throw unreachable(e);
    } catch (JedisDataException e) {
      closeQuietly(j);
      throw failure(e.getMessage(), "SCRIPT LOAD", e);
    }
  }

  /** Pipelines one write; its outcome is known at the next {@link #sync}. */
  public void send(Write write, T tag) {
    connect();
    try {
      if (pipeline == null) {
        pipeline = jedis.pipelined();
      }
      pending.add(new Pending<>(tag, pipeline.evalsha(script, List.of(write.key()), write.args())));
    } catch (JedisConnectionException e) {
      throw dropped(unreachable(e));
    }
  }

  /** Writes sent and not yet synced. */
  public int pending() {
    return pending.size();
  }

  /**
   * Waits for the replies of the writes sent. Returns the writes refused for their record; every
   * other write is done.
   *
   * @throws StoreFailure when the server refused writes as such or could not be reached: which
   *     writes happened is unknown, all are to be sent again (they are overwrites)
   */
  public List<Refused<T>> sync() {
    if (pending.isEmpty()) {
      return List.of();
    }
    try {
      pipeline.sync();
    } catch (JedisConnectionException e) {
      throw dropped(unreachable(e));
    }
    List<Refused<T>> refused = new ArrayList<>();
    StoreFailure failed = null;
    for (Pending<T> p : pending) {
      try {
        p.reply().get();
      } catch (JedisDataException e) {
        if (refusal(e.getMessage()) == Refusal.RECORD) {
          refused.add(new Refused<>(p.tag(), "Redis refused the write: " + e.getMessage()));
        } else if (failed == null) {
          failed = failure(e.getMessage(), "a write", e);
        }
      }
    }
    pending.clear();
    if (failed != null) {
      throw dropped(failed);
    }
    return refused;
  }

  /** Forgets the writes in flight and the connection: the next write starts afresh. */
  private StoreFailure dropped(StoreFailure f) {
    pending.clear();
    pipeline = null;
    closeQuietly(jedis);
    jedis = null;
    return f;
  }

  private StoreFailure unreachable(JedisConnectionException e) {
    return new StoreFailure(
        Refusal.RETRYABLE,
        "sink.featureStore: cannot reach Redis at " + spec.redisAddress() + ": " + e.getMessage(),
        e);
  }

  private StoreFailure failure(String error, String what, Throwable cause) {
    Refusal r = refusal(error) == Refusal.RETRYABLE ? Refusal.RETRYABLE : Refusal.PERMANENT;
    return new StoreFailure(
        r,
        "sink.featureStore: Redis at " + spec.redisAddress() + " refused " + what + ": " + error,
        cause);
  }

  private static void closeQuietly(Jedis j) {
    if (j == null) {
      return;
    }
    try {
      j.close();
    } catch (RuntimeException e) {
      // The connection is being dropped because it failed; a failing close says nothing new.
    }
  }

  @Override
  public void close() {
    pending.clear();
    pipeline = null;
    closeQuietly(jedis);
    jedis = null;
  }
}
