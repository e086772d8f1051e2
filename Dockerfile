# Crumb: the bakery app (and, with another command, its worker) on the official Deno image.
# Without DATABASE_URL / REDIS_URL / AMQP_URL one container is a whole bakery on embedded parts
# (PGlite data and the generated secrets in /app/data); docker-compose.yml runs it against
# PostgreSQL, Redis and RabbitMQ.
# denoland/deno:<version> is the Debian variant of the image.
FROM denoland/deno:2.9.6

WORKDIR /app
# the image's non-root user owns the app dir, so deno can write node_modules and static/ at
# build time and the PGlite data dir at run time
# (uploads/ exists so a volume mounted there, shared by app instances, starts owned by deno)
RUN mkdir -p /app/data/uploads /app/data/backups && chown -R deno:deno /app
USER deno

# dependencies first: this layer is rebuilt only when deno.json or deno.lock change
COPY --chown=deno:deno deno.json deno.lock ./
RUN deno install

# then the source
COPY --chown=deno:deno . .
# vendored browser scripts -> static/vendor, Tailwind CSS -> static/build
RUN deno task build \
 && deno cache src/main.ts worker/main.ts src/tools/backup.ts src/tools/restore.ts

# A container is a real shop unless told otherwise: production refuses to start without
# PUBLIC_URL, seeds no demo data unless SEED_DEMO_DATA=true, and keeps the secrets it makes at
# its first start in the data volume. `-e CRUMB_ENV=development` tries it out locally.
ENV CRUMB_ENV=production \
    DATA_DIR=/app/data \
    HOST=0.0.0.0 \
    PORT=8000
VOLUME /app/data
EXPOSE 8000

# no curl in the image: deno itself checks the app
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD deno eval "const r = await fetch('http://127.0.0.1:' + (Deno.env.get('PORT') ?? '8000') + '/healthz'); await r.body?.cancel(); Deno.exit(r.ok ? 0 : 1)"

CMD ["deno", "run", "-A", "src/main.ts"]
