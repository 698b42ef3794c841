package io.tributary.runtime.featurestore;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.runtime.featurestore.FeatureStore.Refusal;
import org.junit.jupiter.api.Test;

class FeatureStoreTest {
  @Test
  void errorRepliesAreTheRecordsTheServersForNowOrForGood() {
    assertThat(FeatureStore.refusal("WRONGTYPE the key holds a string, not a hash"))
        .isEqualTo(Refusal.RECORD);
    for (String transient_ :
        new String[] {
          "OOM command not allowed when used memory > 'maxmemory'.",
          "READONLY You can't write against a read only replica.",
          "LOADING Redis is loading the dataset in memory",
          "BUSY Redis is busy running a script.",
          "NOSCRIPT No matching script. Please use EVAL.",
          "MASTERDOWN Link with MASTER is down"
        }) {
      assertThat(FeatureStore.refusal(transient_)).as(transient_).isEqualTo(Refusal.RETRYABLE);
    }
    for (String permanent :
        new String[] {
          "NOPERM this user has no permissions to run the 'evalsha' command",
          "NOAUTH Authentication required.",
          "ERR unknown command 'EVALSHA'",
          "",
        }) {
      assertThat(FeatureStore.refusal(permanent)).as(permanent).isEqualTo(Refusal.PERMANENT);
    }
  }
}
