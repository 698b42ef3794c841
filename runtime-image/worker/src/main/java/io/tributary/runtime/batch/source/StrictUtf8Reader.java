package io.tributary.runtime.batch.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 and, at the first invalid byte, fails with the line it is on. The JDK's readers
 * decode a buffer ahead of the parser, so their error cannot say where the bad byte is; this one
 * counts line feeds as it decodes.
 */
final class StrictUtf8Reader extends Reader {

  /** Invalid UTF-8 in a file: the data is bad, so retrying cannot help. */
  static final class InvalidUtf8 extends CharacterCodingException {
    private final long line;

    InvalidUtf8(long line) {
      this.line = line;
    }

    long line() {
      return line;
    }

    @Override
    public String getMessage() {
      return "line " + line + ": not valid UTF-8";
    }
  }

  private final InputStream in;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(64 * 1024).flip();
  private boolean eof;
  private boolean done;
  private long lineFeeds;

  StrictUtf8Reader(InputStream in) {
    this.in = in;
  }

  @Override
  public int read(char[] cbuf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (done) {
      return -1;
    }
    CharBuffer out = CharBuffer.wrap(cbuf, off, len);
    while (out.position() == off) {
      CoderResult r = decoder.decode(bytes, out, eof);
      if (r.isError()) {
        // Hand out what was decoded before the bad byte; the next call fails on it.
        if (out.position() > off) {
          break;
        }
        throw new InvalidUtf8(lineFeeds + 1);
      }
      if (r.isOverflow()) {
        break;
      }
      if (eof) {
        decoder.flush(out);
        done = true;
        if (out.position() == off) {
          return -1;
        }
        break;
      }
      fill();
    }
    int end = out.position();
    for (int i = off; i < end; i++) {
      if (cbuf[i] == '\n') {
        lineFeeds++;
      }
    }
    return end - off;
  }

  private void fill() throws IOException {
    bytes.compact();
    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (n < 0) {
      eof = true;
    } else {
      bytes.position(bytes.position() + n);
    }
    bytes.flip();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
