#!/usr/bin/env bash
# Fetches S3Proxy's released, self-contained jar from Maven Central with Maven (once; later calls
# find it in the local repository) and prints its path.
#   get-s3proxy.sh [VERSION]    (default 4.1.1)
set -euo pipefail
version=${1:-4.1.1}
repo=${MAVEN_REPO:-$HOME/.m2/repository}
jar=$repo/org/gaul/s3proxy/$version/s3proxy-$version-jar-with-dependencies.jar
if [ ! -s "$jar" ]; then
  mvn -B -q dependency:get -Dtransitive=false \
    -Dartifact="org.gaul:s3proxy:$version:jar:jar-with-dependencies" >&2
fi
echo "$jar"
