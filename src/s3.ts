/**
 * `httpcache/s3`: {@link S3Storage}, entries as objects in an S3 bucket (or an S3-compatible
 * service) that many processes and machines share. Needs `@aws-sdk/client-s3`.
 *
 * @module
 */

export { S3Storage, type S3StorageOptions } from './storage/s3.ts';
