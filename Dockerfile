# The operator image. Build the jars first (mvn -pl operator -am package), then:
#   docker build -t tributary/operator:dev .
# BASE_IMAGE defaults to a public JRE; air-gapped builds pass a local one
# (e2e/cluster.sh images does, from a debootstrapped Debian with openjdk-17-jre-headless).
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
WORKDIR /opt/tributary
COPY operator/target/lib/ /opt/tributary/lib/
COPY operator/target/tributary-operator-*.jar /opt/tributary/tributary-operator.jar
# Non-root, numeric so runAsNonRoot can verify it without /etc/passwd.
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/tributary/tributary-operator.jar"]
