# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: Docker, the JRE base image, and building images into the node.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

ensure_dockerd() {
  if docker info >/dev/null 2>&1; then return 0; fi
  command -v dockerd >/dev/null || die "dockerd missing (Debian package docker.io)"
  start_proc dockerd dockerd --pidfile "$RUN/dockerd.pid"
  wait_for "dockerd" 60 docker info
}

ensure_jre_base_image() {
  ensure_dockerd
  docker image inspect "$JRE_BASE_IMAGE" >/dev/null 2>&1 && return 0
  local dir=$CACHE/jre-base tar=$CACHE/jre-base/rootfs-bookworm-jre17.tar
  mkdir -p "$dir"
  if [ ! -f "$tar" ]; then
    log "debootstrap bookworm + openjdk-17-jre-headless (once; ~2 min)"
    rm -rf "$dir/rootfs.tmp"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm \
      "$dir/rootfs.tmp" http://deb.debian.org/debian >>"$LOGS/debootstrap.log" 2>&1 \
      || die "debootstrap failed (see $LOGS/debootstrap.log)"
    rm -rf "$dir/rootfs.tmp/var/cache/apt/archives/"*.deb "$dir/rootfs.tmp/var/lib/apt/lists/"*
    tar -C "$dir/rootfs.tmp" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$dir/rootfs.tmp"
  fi
  log "docker import $JRE_BASE_IMAGE"
  docker import -c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' -c 'CMD ["java","-version"]' \
    "$tar" "$JRE_BASE_IMAGE" >>"$LOGS/images.log" 2>&1 || die "docker import failed"
}

# import_image <tag>: docker save | ctr import into the node's containerd (k8s.io namespace)
import_image() {
  log "importing $1 into the node's containerd"
  docker save "$1" | ctr_ images import - >>"$LOGS/images.log" 2>&1 || die "import of $1 failed (see $LOGS/images.log)"
}

# image_version: the project's version, as the root pom.xml declares it (its first <version>).
image_version() {
  sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$ROOT/pom.xml" | head -n 1
}

# image_revision: the commit the images are built from, -dirty when the tree has changes.
image_revision() {
  local rev
  rev=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null) || return 0
  git -C "$ROOT" diff --quiet HEAD 2>/dev/null || rev="$rev-dirty"
  echo "$rev"
}

# build_image <tag> <dockerfile> <context>
# VERSION and REVISION fill the images' OCI labels (docs/security.md).
build_image() {
  log "docker build $1 ($2)"
  docker build -f "$2" --build-arg "BASE_IMAGE=$JRE_BASE_IMAGE" \
    --build-arg "VERSION=$(image_version)" --build-arg "REVISION=$(image_revision)" \
    -t "$1" "$3" 2>&1 | tee -a "$LOGS/images.log" >&2 \
    || die "docker build of $1 failed"
  [ "${PIPESTATUS[0]}" = 0 ] || die "docker build of $1 failed"
  import_image "$1"
}

cmd_images() {
  need_root
  mkdir -p "$LOGS" "$PIDS" "$RUN"
  pid_alive containerd || die "the cluster is not up (e2e/cluster.sh up)"
  ensure_jre_base_image
  local built=0
  if [ -n "${IMAGES_DOCKERFILE:-}" ]; then   # for trying the pipeline with another Dockerfile
    build_image "${IMAGES_TAG:-tributary/test:dev}" "$IMAGES_DOCKERFILE" "${IMAGES_CONTEXT:-$(dirname "$IMAGES_DOCKERFILE")}"
    return 0
  fi
  if [ -f "$ROOT/Dockerfile" ]; then
    build_image tributary/operator:dev "$ROOT/Dockerfile" "$ROOT"
    built=$((built + 1))
  else
    log "no Dockerfile at the repository root yet: skipping tributary/operator:dev"
  fi
  if [ -f "$ROOT/runtime-image/Dockerfile" ]; then
    build_image tributary/runtime:dev "$ROOT/runtime-image/Dockerfile" "$ROOT/runtime-image"
    built=$((built + 1))
  else
    log "no runtime-image/Dockerfile yet: skipping tributary/runtime:dev"
  fi
  log "$built image(s) built and imported; use imagePullPolicy IfNotPresent or Never"
}
