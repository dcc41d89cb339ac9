/**
 * Settings shared by the recorder's AWS clients. An endpoint override means a local DynamoDB- or S3-protocol
 * server (dynalite, s3rver, DynamoDB Local, LocalStack): those take s3rver's well-known local key, so a developer without
 * an AWS account needs none.
 */
export function awsClientConfig(region: string | undefined, endpoint: string | undefined) {
  const local = endpoint !== undefined;
  const hasCredentials = process.env['AWS_ACCESS_KEY_ID'] !== undefined || process.env['AWS_PROFILE'] !== undefined;
  return {
    region: region ?? (local ? 'us-east-1' : undefined),
    ...(local ? { endpoint } : {}),
    ...(local && !hasCredentials ? { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {}),
  };
}
