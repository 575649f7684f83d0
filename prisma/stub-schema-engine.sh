#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded here (no network).
# `prisma generate` does not need it (it uses WebAssembly); migrations are applied by
# lib/db/migrate.ts. Anything that does call it fails with this message.
echo "breakwater: the Prisma schema engine is not installed (stub at prisma/stub-schema-engine.sh)." >&2
echo "Use 'npm run prisma:generate' to generate the client; migrations run through lib/db/migrate.ts." >&2
exit 1
