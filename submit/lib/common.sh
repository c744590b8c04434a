# Shared by the submit/ wrappers: finds the application jar and a spark-submit, and runs a job.
# Usage (from a wrapper): run_job <job-name> <main-class> "$@"
#   where "$@" is: [spark-submit options] -- [job options]

NETVLAD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NETVLAD_JAR="${NETVLAD_JAR:-$NETVLAD_ROOT/spark-jobs/target/netvlad-spark-jobs.jar}" # another build, e.g. a copy kept while rebuilding
NETVLAD_SHIPPED_SPARK="$NETVLAD_ROOT/spark-runtime/target/spark-home"

# JVM flags Spark needs on Java 17 (docs/stack.md): a string for spark.*.extraJavaOptions,
# and an array (plus our logging configuration) for the JVMs started here, so that a checkout
# path with spaces stays one argument. The parent pom has the same (RuntimeSettingsConsistencyTest).
NETVLAD_JVM_FLAGS="-XX:+IgnoreUnrecognizedVMOptions"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
         java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
         sun.security.action sun.util.calendar; do
  NETVLAD_JVM_FLAGS+=" --add-opens=java.base/$p=ALL-UNNAMED"
done
NETVLAD_JVM_FLAGS+=" --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED"
NETVLAD_JVM_FLAGS+=" -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"
read -r -a NETVLAD_JVM_ARGS <<< "$NETVLAD_JVM_FLAGS"
NETVLAD_JVM_ARGS+=("-Dlog4j.configurationFile=$NETVLAD_ROOT/conf/log4j2.properties")

# ND4J's OpenMP threads in a JVM started here (local mode: the driver is the executor): one per
# task core, as spark.executorEnv.OMP_NUM_THREADS in conf/spark-defaults.conf says for executors
# elsewhere; a value already set wins.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# glibc malloc for ND4J's native arrays (conf/spark-defaults.conf sets the same for executors):
# one arena, and freed blocks kept rather than returned to the system. A training step allocates
# and frees blocks of up to ~120 MB (activations, and oneDNN's copies of them in its own layout).
# glibc serves such blocks in threads other than the first by mmap and unmaps them on free, so
# every step would fault in fresh zeroed pages for them (figures: docs/benchmarks.md).
# Values already set win. The pom and conf/spark-defaults.conf set the same (RuntimeSettingsConsistencyTest).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-1073741824}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"

die() { echo "$(basename "$0"): $*" >&2; exit 2; }

# Class-data sharing for a job's JVM started here: the classes a job loads (Spark's, mostly) are
# recorded into an archive at the end of its first run on this machine and mapped from it on later
# runs, which then start sooner (docs/benchmarks.md); recording costs the first run a few seconds.
# NETVLAD_CDS=off turns it off. One archive per job, keyed by the
# JVM and the Spark runtime's jars: the JVM ignores an archive once either changes.
NETVLAD_CDS_DIR="${NETVLAD_CDS_DIR:-$NETVLAD_ROOT/spark-runtime/target/cds}"
cds_archive() {
  local java_bin key
  java_bin=$(readlink -f "$(command -v java)")
  key=$({ echo "$java_bin"; stat -c '%n %s %Y' "$java_bin" "$NETVLAD_SHIPPED_SPARK"/jars/*; } | cksum | cut -d' ' -f1)
  echo "$NETVLAD_CDS_DIR/$1-$key.jsa"
}

require_jar() {
  [[ -f $NETVLAD_JAR ]] || die "no application jar at $NETVLAD_JAR; build it first: (cd $NETVLAD_ROOT && mvn -q -DskipTests package)"
}

# The --conf options of conf/spark-defaults.conf.
spark_conf_args() {
  local key value
  while read -r key value; do
    [[ -z $key || $key == \#* ]] && continue
    printf '%s\n' --conf "$key=$value"
  done < "$NETVLAD_ROOT/conf/spark-defaults.conf"
}

run_job() {
  local job=$1 class=$2
  shift 2
  local spark_opts=() job_opts=() seen_sep=0 a
  for a in "$@"; do
    if (( !seen_sep )) && [[ $a == -- ]]; then seen_sep=1; continue; fi
    if (( seen_sep )); then job_opts+=("$a"); else spark_opts+=("$a"); fi
  done
  if (( !seen_sep )); then job_opts=("${spark_opts[@]}"); spark_opts=(); fi
  local has_config=0
  for a in "${job_opts[@]}"; do [[ $a == --config || $a == --config=* ]] && has_config=1; done
  (( has_config )) || job_opts+=(--config "$NETVLAD_ROOT/conf/pipeline.conf")
  require_jar
  local conf_args=()
  mapfile -t conf_args < <(spark_conf_args)
  conf_args+=(--conf "spark.driver.extraJavaOptions=$NETVLAD_JVM_FLAGS" --conf "spark.executor.extraJavaOptions=$NETVLAD_JVM_FLAGS")
  if [[ -n ${SPARK_HOME:-} ]]; then
    exec "$SPARK_HOME/bin/spark-submit" --name "netvlad $job" --class "$class" \
      "${conf_args[@]}" "${spark_opts[@]}" "$NETVLAD_JAR" "${job_opts[@]}"
  fi
  [[ -d $NETVLAD_SHIPPED_SPARK/jars ]] || die "no Spark runtime at $NETVLAD_SHIPPED_SPARK; build first: (cd $NETVLAD_ROOT && mvn -q -DskipTests package), or set SPARK_HOME"
  local has_master=0
  for a in "${spark_opts[@]}"; do [[ $a == --master || $a == --master=* ]] && has_master=1; done
  (( has_master )) || spark_opts=(--master "local[*]" "${spark_opts[@]}")
  local command=(java ${NETVLAD_DRIVER_MEMORY:+"-Xmx$NETVLAD_DRIVER_MEMORY"} "${NETVLAD_JVM_ARGS[@]}")
  local tail=(-cp "$NETVLAD_SHIPPED_SPARK/jars/*" org.apache.spark.deploy.SparkSubmit
    --name "netvlad $job" --class "$class" "${conf_args[@]}" "${spark_opts[@]}" "$NETVLAD_JAR" "${job_opts[@]}")
  export SPARK_HOME="$NETVLAD_SHIPPED_SPARK" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  local archive
  [[ ${NETVLAD_CDS:-on} == off ]] || archive=$(cds_archive "$job")
  if [[ -z ${archive:-} ]]; then
    exec "${command[@]}" "${tail[@]}"
  elif [[ -f $archive ]]; then
    exec "${command[@]}" "-XX:SharedArchiveFile=$archive" -Xlog:cds=off -Xlog:cds+dynamic=off "${tail[@]}"
  elif mkdir -p "$NETVLAD_CDS_DIR" 2>/dev/null && [[ -w $NETVLAD_CDS_DIR ]]; then
    record_cds "$archive" "${command[@]}" -Xlog:cds=off -Xlog:cds+dynamic=off "${tail[@]}"
  else
    exec "${command[@]}" "${tail[@]}"
  fi
}

# Runs a job's JVM that writes its class-data archive at exit, under a temporary name renamed when
# the job succeeded: the JVM crashes on a truncated archive. Signals reach the JVM as with exec.
record_cds() {
  local archive=$1 temporary="$1.$$.tmp" pid code
  shift
  echo "submit: first run of this job here: recording its JVM class-data archive (about 7 s at exit; later starts are faster)" >&2
  "$1" "-XX:ArchiveClassesAtExit=$temporary" "${@:2}" &
  pid=$!
  trap 'kill -TERM $pid 2>/dev/null' TERM INT HUP
  code=0; wait $pid || code=$? # not a bare wait: under set -e a failed job would leave the temporary behind
  while kill -0 $pid 2>/dev/null; do code=0; wait $pid || code=$?; done # again after a forwarded signal
  trap - TERM INT HUP
  if (( code == 0 )) && [[ -s $temporary ]]; then mv -f "$temporary" "$archive"; else rm -f "$temporary"; fi
  exit $code
}
