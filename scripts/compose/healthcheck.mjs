// Healthcheck of the docker-compose app services: exit 0 when GET http://127.0.0.1:$PORT/health answers 200.
const port = process.env.PORT;
if (!port) {
  process.stderr.write('healthcheck: PORT is not set\n');
  process.exit(1);
}
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_500) }).then(
  (r) => process.exit(r.status === 200 ? 0 : 1),
  () => process.exit(1),
);
