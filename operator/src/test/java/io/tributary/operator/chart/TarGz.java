package io.tributary.operator.chart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads the regular files of a .tgz (ustar, as `helm package` writes it): path to text. */
final class TarGz {
  private static final int BLOCK = 512;

  private TarGz() {}

  static Map<String, String> read(Path tgz) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
      byte[] header = new byte[BLOCK];
      while (in.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        long size = Long.parseLong(field(header, 124, 12).trim(), 8);
        byte type = header[156];
        byte[] body = in.readNBytes((int) size);
        in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
        if (type == '0' || type == 0) {
          String path = prefix.isEmpty() ? name : prefix + "/" + name;
          files.put(path, new String(body, StandardCharsets.UTF_8));
        }
      }
    }
    return files;
  }

  private static String field(byte[] header, int offset, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = offset; i < offset + length && header[i] != 0; i++) out.write(header[i]);
    return out.toString(StandardCharsets.US_ASCII);
  }
}
