import { ForbiddenError } from '@bridgeport/core';

/** The group whose members may do everything (a Cognito group in AWS, `--admin` on local tokens). */
export const ADMIN_GROUP = 'platform-admins';

/** Who is calling: a user, the teams it belongs to, and whether it is a platform admin. */
export interface Caller {
  readonly user: string;
  /** Team names (Cognito groups other than the admin group); an event type's `application` is one of them. */
  readonly teams: readonly string[];
  readonly admin: boolean;
}

/** Whether the caller may act for `team`: a member, or an admin. */
export function actsFor(caller: Caller, team: string): boolean {
  return caller.admin || caller.teams.includes(team);
}

/**
 * Throws `ForbiddenError` (403) naming the owning team unless the caller is one of its members or an admin.
 * `action` completes the sentence "Only members of team X may …".
 */
export function requireTeam(caller: Caller, team: string, action: string): void {
  if (actsFor(caller, team)) return;
  throw new ForbiddenError(`Only members of team ${team} (or platform admins) may ${action}`, {
    context: { owner: team, user: caller.user },
  });
}
