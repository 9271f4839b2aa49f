#!/bin/sh
# One database per Kefu service, owned by the compose file's `kefu` user. Run once by
# the postgres image on an empty data volume (/docker-entrypoint-initdb.d).
set -eu
for service in accounts customers tickets; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -c "CREATE DATABASE kefu_${service} OWNER \"$POSTGRES_USER\""
done
