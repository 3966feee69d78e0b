# Sourced first by the bench, metrics and docker timing scripts (with the script's own arguments in
# place): `--help` or `-h` prints the script's header comment, which is its usage, and exits 0, so
# asking for help never starts a run. Lines from the second up to the first that is not a comment.
case "${1:-}" in
    -h | --help)
        sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
esac
