import { Stack, Validations } from 'aws-cdk-lib';
// Deep import on purpose: the finding id of a wildcard resource is cdk-nag's own flattening of the resolved
// resource, so acknowledgements must be computed with the very same function to match.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's IAM5 finding for one wildcard resource granted under `scope`.
 *
 * cdk-nag 3 matches findings by exact id (`AwsSolutions-IAM5[Resource::<flattened resource>]`), so the id is
 * derived from the resource expression itself rather than written by hand. The resource must not contain a
 * cross-stack token: those are rewritten at synthesis, after this id is computed, and the finding would stay open
 * (the cdk-nag test then fails, which is the point).
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flattened = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason });
}
