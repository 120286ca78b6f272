import type { DeploymentTarget } from '@bridgeport/core';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildInfrastructureApp, type InfrastructureStacks } from '../src/app';

export const TARGET: DeploymentTarget = { environment: 'dev', account: '123456789012', region: 'eu-west-1' };

/** Context that skips asset bundling (esbuild) for speed. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/** The four stacks of `target`, synthesized without bundling and without reading the process environment. */
export function infrastructure(target: DeploymentTarget = TARGET): InfrastructureStacks {
  return buildInfrastructureApp({
    context: { ...NO_BUNDLING, ...target },
    env: {},
  }).stacks;
}

export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** The logical id of the only resource of `type` matching `properties`; fails when there is not exactly one. */
export function onlyResource(
  template: Template,
  type: string,
  properties: Record<string, unknown> = {},
): string {
  const found = Object.keys(template.findResources(type, { Properties: properties }));
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  return found[0] as string;
}

/** Every statement of every IAM policy attached to the role `roleId`. */
export function statementsOfRole(template: Template, roleId: string): Record<string, unknown>[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      ((policy.Properties?.Roles ?? []) as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
}

/** The actions of a statement as an array. */
export function actionsOf(statement: Record<string, unknown>): string[] {
  const action = statement.Action;
  return Array.isArray(action) ? (action as string[]) : [action as string];
}

/** The logical id of the role a resource's `property` (`Role`, `ServiceRole`) points at with `Fn::GetAtt`. */
export function roleIdOf(template: Template, logicalId: string, property: string): string {
  const resource = template.toJSON().Resources[logicalId] as
    | { Properties?: Record<string, unknown> }
    | undefined;
  const value = resource?.Properties?.[property] as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const roleId = value?.['Fn::GetAtt']?.[0];
  if (roleId === undefined) throw new Error(`${logicalId} has no ${property} role`);
  return roleId;
}
