# Builds Ferry from this source tree and runs it on a Java 17 runtime:
#   docker build -t ferry .
#   docker run --rm -p 8080:8080 ferry demo
#   docker run --rm -p 80:80 -v "$PWD/haproxy.cfg:/etc/ferry/ferry.cfg:ro" ferry
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY . .
RUN mvn -B -q -DskipTests package \
 && mkdir -p /opt/ferry \
 && tar -xzf target/ferry-*.tar.gz --strip-components=1 -C /opt/ferry

FROM eclipse-temurin:17-jre
COPY --from=build /opt/ferry /opt/ferry
# bin/ferry -v makes lib/ferry.jsa, the class-data sharing archive, for this image's Java runtime
# and jar path while /opt/ferry is still writable (docs/packaging.md).
RUN mkdir -p /etc/ferry \
 && cp /opt/ferry/conf/ferry.cfg /etc/ferry/ferry.cfg \
 && /opt/ferry/bin/ferry -v >/dev/null \
 && useradd --system --no-create-home --shell /usr/sbin/nologin ferry
# Listen on every interface of the container: the example configuration and the demo both read these.
ENV FERRY_ADDR=0.0.0.0 \
    FERRY_DEMO_ADDR=0.0.0.0
USER ferry
EXPOSE 8080
ENTRYPOINT ["/opt/ferry/bin/ferry"]
CMD ["-f", "/etc/ferry/ferry.cfg"]
