import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

/** The slice of `@20minutes/s3rver` (untyped CommonJS) these tests use. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  store: {
    getResourcePath(bucket: string, key: string, resource: string): string;
    deleteObject(bucket: string, key: string): Promise<void>;
  };
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverConstructor;

/** s3rver's built-in account; any other key is refused with `InvalidAccessKeyId`. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The AWS SDK variables that point a client at a test S3 server. */
export type S3Env = {
  readonly AWS_ENDPOINT_URL: string;
  readonly AWS_REGION: string;
  readonly AWS_ACCESS_KEY_ID: string;
  readonly AWS_SECRET_ACCESS_KEY: string;
};

/** A running S3-compatible server with one empty bucket. */
export interface TestS3Server {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly bucket: string;
  /** The directory s3rver keeps buckets and in-progress multipart uploads in. */
  readonly directory: string;
  readonly env: S3Env;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/**
 * Starts a real s3rver on 127.0.0.1 (a free port) over a new temporary
 * directory, with one bucket (`bucket`, default a random `portage-test-…`).
 */
export async function startS3Server(options: { bucket?: string } = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? `portage-test-${randomBytes(4).toString('hex')}`;
  const directory = await mkdtemp(join(tmpdir(), 'portage-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  keepDirectoriesOnDelete(server);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    directory,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver keeps each object as files in a directory per key prefix, and after a
 * delete it removes the prefix's directory once it looks empty. That races
 * with a concurrent write under the same prefix: the directory, and the object
 * just written into it, vanish (a HEAD of the new object answers 404). S3 has
 * no directories and no such race, so deletes here remove the object's files
 * only; an empty directory lists no objects.
 */
function keepDirectoriesOnDelete(server: S3rverInstance): void {
  const { store } = server;
  store.deleteObject = async (bucket, key) => {
    await Promise.all(
      ['object', 'object.md5', 'metadata.json'].map((resource) =>
        rm(store.getResourcePath(bucket, key, resource), { force: true }),
      ),
    );
  };
}

/**
 * Sets `vars` in `process.env` (the AWS SDK reads its settings there) and
 * returns a function that restores the previous values.
 */
export function setProcessEnv(vars: Readonly<Record<string, string>>): () => void {
  const previous = Object.entries(vars).map(([name]) => [name, process.env[name]] as const);
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * An S3 client for `server`, path-style, with its credentials (or another
 * secret, to be refused). Bucket-level requests are sent as `/bucket` rather
 * than the SDK's `/bucket/`: s3rver signs the canonical URI without the
 * trailing slash and would answer `SignatureDoesNotMatch` (AWS S3 accepts both).
 */
export function s3rverClient(
  server: TestS3Server,
  secretAccessKey: string = server.env.AWS_SECRET_ACCESS_KEY,
): S3Client {
  const client = new S3Client({
    endpoint: server.endpoint,
    region: server.env.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: server.env.AWS_ACCESS_KEY_ID, secretAccessKey },
  });
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { path?: unknown };
      if (typeof request.path === 'string' && /^\/[^/]+\/$/.test(request.path)) {
        request.path = request.path.slice(0, -1);
      }
      return next(args);
    },
    { step: 'build', name: 's3rverBucketPath' },
  );
  return client;
}
