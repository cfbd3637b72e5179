import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '../config';
import { clientOptions } from './aws-clients';

/**
 * The blob adapter: generated PDFs and uploads in the instance bucket. Downloads go through short presigned
 * URLs so a document never travels through a Lambda response twice and a leaked URL dies quickly.
 */

/** API.md: a presigned GET is valid at most 15 minutes. */
export const MAX_PRESIGN_SECONDS = 15 * 60;

let s3: S3Client | undefined;

function client(): S3Client {
  s3 ??= new S3Client({
    ...clientOptions(config().endpoints.s3),
    // Path-style for endpoint overrides (the emulator and S3-compatible services have no virtual hosts), and
    // checksums only when required: the emulator stores streamed chunked-with-checksum bodies corrupted.
    forcePathStyle: config().endpoints.s3 !== undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return s3;
}

const Bucket = () => config().bucketName;

export interface PutBlob {
  key: string;
  body: Uint8Array | string;
  contentType: string;
  /** Object tags, e.g. `retention=route` for lifecycle rules. */
  tags?: Record<string, string>;
}

export async function putBlob(blob: PutBlob): Promise<void> {
  await client().send(
    new PutObjectCommand({
      Bucket: Bucket(),
      Key: blob.key,
      Body: blob.body,
      ContentType: blob.contentType,
      Tagging: blob.tags ? new URLSearchParams(blob.tags).toString() : undefined,
    }),
  );
}

export async function getBlob(key: string): Promise<{ body: Uint8Array; contentType?: string } | undefined> {
  try {
    const out = await client().send(new GetObjectCommand({ Bucket: Bucket(), Key: key }));
    if (!out.Body) return undefined;
    return { body: await out.Body.transformToByteArray(), contentType: out.ContentType };
  } catch (error) {
    if (error instanceof NoSuchKey || error instanceof NotFound) return undefined;
    throw error;
  }
}

export async function deleteBlob(key: string): Promise<void> {
  await client().send(new DeleteObjectCommand({ Bucket: Bucket(), Key: key }));
}

/** Keys of the objects under a prefix (one record's documents), page by page. */
export async function listBlobKeys(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const out = await client().send(
      new ListObjectsV2Command({ Bucket: Bucket(), Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of out.Contents ?? []) if (object.Key) found.push(object.Key);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return found;
}

/**
 * A GET URL valid for `expiresInSeconds` (at most 15 minutes). `contentDisposition` is the header the download
 * gets (built by functions/documents/file-names.ts: the Russian name with its ASCII fallback).
 */
export async function presignGet(
  key: string,
  options: { expiresInSeconds?: number; contentDisposition?: string } = {},
): Promise<string> {
  const expiresIn = Math.min(options.expiresInSeconds ?? MAX_PRESIGN_SECONDS, MAX_PRESIGN_SECONDS);
  return getSignedUrl(
    client(),
    new GetObjectCommand({
      Bucket: Bucket(),
      Key: key,
      ResponseContentDisposition: options.contentDisposition,
    }),
    { expiresIn },
  );
}

/** Creates the bucket where nothing else does (embedded default, tests); the CDK stack does it in AWS. */
export async function ensureBucket(): Promise<'created' | 'exists'> {
  try {
    await client().send(new HeadBucketCommand({ Bucket: Bucket() }));
    return 'exists';
  } catch (error) {
    if (
      !(error instanceof NotFound) &&
      (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404
    ) {
      throw error;
    }
  }
  await client().send(new CreateBucketCommand({ Bucket: Bucket() }));
  return 'created';
}
