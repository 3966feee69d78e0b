# Sourced (not run) by class-census.sh and memory-floor.sh after help.sh, with HERE set to bench/:
# the server as the launcher runs it. Sets TOP_DIR (the repository), JAVA_HOME (a JDK 25, found as
# ./jselectors finds it), JSELECTORS_JVM_OPTIONS and MALLOC_ARENA_MAX (.mvn/jvm-options.sh's
# defaults) and JAR (server/target/jselectors.jar); exits if there is no JDK or no jar.
TOP_DIR=$(cd "$HERE/.." && pwd)
# shellcheck source=../.mvn/jdk.sh
. "$TOP_DIR/.mvn/jdk.sh"
# shellcheck source=../.mvn/jvm-options.sh
. "$TOP_DIR/.mvn/jvm-options.sh"
jselectors_find_jdk || exit 1
jselectors_jvm_defaults
JAR="$TOP_DIR/server/target/jselectors.jar"
[ -f "$JAR" ] || { echo "no $JAR: build it first (./jselectors backends)" >&2; exit 1; }
