package io.tributary.runtime.mqtt;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS socket factory from PEM text, as the Kafka clients take it (a CA bundle; a client
 * certificate chain and its unencrypted PKCS#8 key), for clients that want a socket factory. Kept
 * in memory: nothing is written to disk. Errors name the part, never its content.
 */
public final class PemTls {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([^-]+)-----END PRIVATE KEY-----");

  private PemTls() {}

  /**
   * @param caPem the CA certificate(s) to trust; null for the JVM's trust store
   * @param chainPem the client certificate chain, client first; null for no client certificate
   * @param keyPem the client's PKCS#8 private key; with {@code chainPem}
   * @throws IllegalArgumentException naming which part cannot be read
   */
  public static SSLSocketFactory socketFactory(String caPem, String chainPem, String keyPem) {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caPem == null) {
        trust.init((KeyStore) null);
      } else {
        KeyStore store = emptyStore();
        List<Certificate> cas = certificates(caPem, "source.mqtt.tls.caSecretRef");
        for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca-" + i, cas.get(i));
        trust.init(store);
      }
      KeyManagerFactory keys = null;
      if (chainPem != null && keyPem != null) {
        KeyStore store = emptyStore();
        Certificate[] chain =
            certificates(chainPem, "source.mqtt.tls.certificateSecretRef")
                .toArray(new Certificate[0]);
        store.setKeyEntry("client", privateKey(keyPem, chain[0]), new char[0], chain);
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, java.io.IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static List<Certificate> certificates(String pem, String field) {
    try {
      List<Certificate> out =
          new ArrayList<>(
              CertificateFactory.getInstance("X.509")
                  .generateCertificates(
                      new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
      if (out.isEmpty()) throw new IllegalArgumentException("no certificate");
      return out;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          field + " holds no PEM certificate (BEGIN CERTIFICATE) that can be read", e);
    }
  }

  private static PrivateKey privateKey(String pem, Certificate certificate) {
    Matcher m = PRIVATE_KEY.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "source.mqtt.tls.keySecretRef holds no unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it"
              + " with openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    String algorithm = certificate.getPublicKey().getAlgorithm();
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "source.mqtt.tls.keySecretRef is not the "
              + algorithm
              + " private key of the certificate in source.mqtt.tls.certificateSecretRef",
          e);
    }
  }
}
