# Sourced by ./jselectors and the release tarball's bin/jselectors (as lib/jvm-options.sh): the JVM
# flags the server runs with by default, chosen for a small server whose memory follows the work,
# not the machine (issue #17; the figures are README's "Memory" section, measured with
# bench/memory.sh and NMT). docker/Dockerfile's JAVA_TOOL_OPTIONS holds the same list (a test checks).
#
# Every flag is a default: the launchers put JSELECTORS_JAVA_OPTS after these, and the later flag
# wins (-XX:+UseG1GC, -Xmx256m, -XX:MaxRAM=1g ...). JSELECTORS_JVM_DEFAULTS=none drops them all.
#
# Measured on a 2-core, 24 GiB machine, echo + chat + http + admin listeners, idle (RSS, MiB):
# JVM defaults 100-126; these flags 74-80 (wave 4), 71.5-74 with the AOT cache (wave 5).
jselectors_jvm_defaults() {
    JSELECTORS_JVM_OPTIONS=()
    if [ "${JSELECTORS_JVM_DEFAULTS:-}" = none ]; then
        return 0
    fi
    JSELECTORS_JVM_OPTIONS=(
        # Serial GC: the heap is tens of MiB, so pauses stay in milliseconds, and it needs no GC
        # threads or remembered sets (G1's bookkeeping was 45 MiB committed at JVM defaults; idle
        # RSS: G1 93, Serial 84, ZGC 130 MiB with the same heap bounds).
        -XX:+UseSerialGC
        # The heap's budget: a garbage flood must not grow it into a quarter of the machine (seen:
        # +300 MiB). 64 MiB holds the server, its meters and 19,000 idle connections (~0.4 KiB of
        # heap each). The image sizes the heap from the container's limit instead
        # (-XX:MinRAMPercentage=25 -XX:MaxRAMPercentage=25 there: 32 MiB in a 128 MiB container).
        -Xmx64m
        # Start small and grow with the live set (the default initial heap is 1/64 of the machine,
        # all of it committed, and the young generation gets touched before the first collection).
        -Xms8m
        # 8-byte object headers (a JDK 25 product flag): 440 -> 407 heap bytes per idle connection.
        -XX:+UseCompactObjectHeaders
        # Give freed malloc memory (the JIT's arenas after warm-up) back to the OS every 5 s:
        # 8 MiB less idle RSS.
        -XX:TrimNativeHeapInterval=5000
        # Bounds, not savings: the JIT uses 10-15 MiB of code cache (default reservation 240 MiB),
        # the server ~20 MiB of metaspace; plugins have room under both.
        -XX:ReservedCodeCacheSize=32m
        -XX:MaxMetaspaceSize=64m
        # Two JIT threads (the least tiered compilation takes) whatever the core count: each
        # thread's arenas are RSS while it compiles.
        -XX:CICompilerCount=2
        # One compilation's arena memory at most 16 MiB: past it the JIT gives that method up (it
        # stays interpreted or at C1) instead of growing. Seen under load in a 128 MiB container:
        # C2 arenas of 22 MiB (MethodType::makeImpl) and 14.5 MiB (the ClassFile API's
        # StackMapGenerator) for JDK code; our largest, RequestDecoder::headerLine, took 10 MiB
        # (-XX:CompileCommand=MemStat). `quiet`: CompileCommand would print a line at every start.
        # Tried lower (wave 9, README): at 12 MiB no compilation reaches it, at 8 MiB C2 gives up
        # the hot path (the dispatcher, onReadable, RequestDecoder::decode) with no lower peak.
        # Quoted: the pattern is not a file name.
        -XX:CompileCommand=quiet
        '-XX:CompileCommand=MemLimit,*.*,16m'
        # No JIT for the JDK's class-file API: it writes the classes the JVM spins at start (FFM
        # downcall stubs, LambdaForms; ~300 even with the AOT cache), and C2 compiling it was the
        # peak under load: StackMapGenerator::processBlock took a 19 MiB arena (past the bound above,
        # which stops a compilation only once it has crossed it), SplitConstantPool 7 MiB. Nothing on
        # a request's path uses it. Peak RSS (1 worker, NMT on, load average ~9): a 95.0 -> 80.6,
        # e 96.1 -> 86.6 MiB; idle unchanged (Compiler.memory, 2026-11-30). Start-up to a listening
        # port (niced, load ~9): with the AOT cache unchanged, 2.7-4.2 s against 2.7-5.0; without
        # one, which spins ~1,000 classes, ~0.3 s slower (3.9 s against 3.6, medians of 3).
        '-XX:CompileCommand=exclude,jdk.internal.classfile.*::*'
        # Map the AOT cache (or the JDK's CDS archive) at the address it was written for instead of
        # a random one (JDK 20+ relocates by default, for address-space randomisation of the class
        # metadata). Relocating writes every pointer in it, so 25 of its 30 resident MiB were private
        # dirty memory; mapped in place, 17 MiB of them stay clean pages of the file: the same RSS,
        # but 11 MiB less anonymous memory (what a container's limit cannot reclaim) and shared by
        # the replicas on a host (two at once, proportional set size 52.2 -> 46.3 MiB each). If the
        # address is taken, the JVM relocates as before (checked with the address held by a preload
        # library). A diagnostic flag, hence the unlock; the price is that the metadata's address
        # is the same at every start (the Java code is memory safe; a native bug could use it).
        -XX:+UnlockDiagnosticVMOptions
        -XX:ArchiveRelocationMode=0
        # Out of heap or metaspace: exit, so that the service manager restarts a clean process.
        -XX:+ExitOnOutOfMemoryError
    )
}

# jselectors_aot_options JAR [COMMAND...]: sets JSELECTORS_AOT_OPTIONS, the JDK AOT cache flags (JEP
# 483/514/515) for a cache beside the jar (jselectors.jar -> jselectors.aot). `jselectors train`
# makes it: a short loopback training run (~20-45 s) under -XX:AOTCacheOutput, with the flags above.
# Any other command uses it only when it is newer than the jar (a rebuilt jar makes it stale; the JVM
# would refuse it anyway, but with three error lines at every start). A cache made with other JVM
# flags is refused by the JVM, which then starts without it. JSELECTORS_AOT=off ignores it.
# Measured (2 cores, loaded): idle RSS within 1 MiB either way; in the 128 MiB container under load
# and a flood, peak 110 -> 87-90 MiB: the lambdas and LambdaForms come from the cache instead of being
# spun and JIT-compiled, with C2 arenas of up to 25 MiB for one of those compilations.
jselectors_aot_options() {
    local jar=$1 cache
    cache="${1%.jar}.aot"
    shift
    JSELECTORS_AOT_OPTIONS=()
    if [ "${JSELECTORS_AOT:-}" = off ]; then
        return 0
    fi
    if [ "${1:-}" = train ]; then
        # picocli's classes are Java 5 bytecode, which the cache cannot link: one warning each.
        JSELECTORS_AOT_OPTIONS=(-Xlog:aot=error "-XX:AOTCacheOutput=$cache")
    elif [ -f "$cache" ] && [ "$cache" -nt "$jar" ]; then
        JSELECTORS_AOT_OPTIONS=("-XX:AOTCache=$cache")
    fi
}

# glibc gives each thread that mallocs an arena of its own, and an arena keeps freed memory: two
# are enough for a handful of loops and the JIT (a classic JVM RSS sink). Set it to change it.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
