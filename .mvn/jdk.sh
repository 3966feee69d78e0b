# Sourced by ./mvnw and ./jselectors: find a JDK 25+ and export JAVA_HOME.
#
# Order: $JAVA_HOME if it is 25 or newer, then the usual install places
# (/usr/lib/jvm on Debian/Ubuntu/Fedora, /opt/java, /Library/Java on macOS,
# SDKMAN), newest first. Nothing is downloaded: if no JDK 25 is found we say
# what to install and stop.

jselectors_java_major() {
    # Prints the feature version of the java binary in $1 (17, 25, ...), or nothing.
    "$1" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

jselectors_find_jdk() {
    local want=25 candidate major
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        major=$(jselectors_java_major "$JAVA_HOME/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$want" ]; then
            return 0
        fi
    fi
    for candidate in $(ls -d /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
            /Library/Java/JavaVirtualMachines/*/Contents/Home \
            "$HOME"/.sdkman/candidates/java/* 2>/dev/null | sort -rV); do
        [ -x "$candidate/bin/javac" ] || continue
        major=$(jselectors_java_major "$candidate/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$want" ]; then
            JAVA_HOME=$candidate
            export JAVA_HOME
            return 0
        fi
    done
    echo "jselectors needs JDK $want or newer: install one (e.g. Temurin 25: apt-get install temurin-25-jdk, or https://adoptium.net) or set JAVA_HOME to it." >&2
    return 1
}
