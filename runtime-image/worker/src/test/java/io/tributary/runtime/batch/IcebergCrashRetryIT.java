package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.runtime.testing.PyIceberg;

/** {@link IcebergCrashCases} on a warehouse in the local file system. */
class IcebergCrashRetryIT extends IcebergCrashCases {
  @Override
  String warehouse() {
    return dir.resolve("warehouse").toString();
  }

  @Override
  JsonNode readBack() throws Exception {
    return PyIceberg.read(catalogUrl, "tributary", dir.resolve("warehouse"), TABLE);
  }
}
