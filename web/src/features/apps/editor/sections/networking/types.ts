import type { AppSpec } from '../../../../../api/appspec';

/*
 * Names for the networking parts of the generated AppSpec types that api/appspec.ts does not name,
 * reached through AppSpec so that they follow the schema.
 */
type Item<T> = NonNullable<T> extends readonly (infer U)[] ? U : never;

type HttpRouteSpec = Item<AppSpec['httpRoutes']>;
type RateLimitSpec = Item<AppSpec['rateLimits']>;
type NetworkPolicySpec = Item<AppSpec['networkPolicies']>;
type NetworkPolicyRuleSpec = Item<NetworkPolicySpec['ingress']>;

export type PathMatchType = NonNullable<Item<HttpRouteSpec['rules']>['pathType']>;
export type RateLimitKind = NonNullable<RateLimitSpec['type']>;
export type RateLimitUnit = NonNullable<RateLimitSpec['unit']>;
export type NetworkPeerSpec = Item<NetworkPolicyRuleSpec['peers']>;
export type Protocol = NonNullable<Item<NetworkPolicyRuleSpec['ports']>['protocol']>;
