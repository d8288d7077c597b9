import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { GlobalExceptionFilter } from '../errors/globalExceptionFilter';
import { PinoLogger } from '../logging/pinoLogger';
import { requestLogger } from '../logging/requestLogger';

export type BootstrapHttpAppParameters = {
  /** Service name in logs and the OpenAPI title, e.g. `hub`, `chain-901`. */
  name: string;
  /** The app's root module (usually `AppModule.forRoot(config)`). */
  module: unknown;
  host: string;
  /** 0 picks a free port (see the returned `url`). */
  port: number;
  logLevel: string;
  description: string;
  version?: string;
};

export type BootstrapHttpAppReturnType = { app: INestApplication; logger: PinoLogger; url: string };

/**
 * Starts an app the same way for hub, chain and bridge: pino JSON logs (also for Nest's own lines), a log line per
 * request, the global error filter, Swagger UI at `/docs` (OpenAPI JSON at `/docs-json`), graceful shutdown on
 * SIGINT/SIGTERM (modules close their pools and consumers), then listens.
 *
 * @example
 * await bootstrapHttpApp({ name: 'hub', module: AppModule.forRoot(config), host: config.HOST, port: config.PORT, ... });
 */
export async function bootstrapHttpApp(parameters: BootstrapHttpAppParameters): Promise<BootstrapHttpAppReturnType> {
  const logger = new PinoLogger({ name: parameters.name, level: parameters.logLevel });
  const app = await NestFactory.create(parameters.module as never, { logger, abortOnError: false });
  app.use(requestLogger(logger.child('http')));
  app.useGlobalFilters(new GlobalExceptionFilter(logger));
  app.enableShutdownHooks();
  // Nest closes the app on these signals; this only records when and why it stopped.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => logger.pino.info({ signal }, `${parameters.name} shutting down`));
  }

  const openApi = new DocumentBuilder()
    .setTitle(`interop ${parameters.name}`)
    .setDescription(parameters.description)
    .setVersion(parameters.version ?? '0.1.0')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'docs-json' });

  await app.listen(parameters.port, parameters.host);
  // Port 0 (tests) means "any free port": report the one the OS picked.
  const address = (app.getHttpServer() as { address(): { port: number } | string | null }).address();
  const port = typeof address === 'object' && address ? address.port : parameters.port;
  const url = `http://${parameters.host === '0.0.0.0' ? '127.0.0.1' : parameters.host}:${port}`;
  logger.pino.info({ url, docs: `${url}/docs`, health: `${url}/health` }, `${parameters.name} listening`);
  return { app, logger, url };
}
