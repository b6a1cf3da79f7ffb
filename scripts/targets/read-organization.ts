/**
 * Reads an AWS Organization's structure with the caller's credentials (management account or
 * delegated administrator): the organization, its root, every OU below it (recursively) and the
 * accounts in each, through the SDK's paginators. Read-only; four List/Describe actions.
 */
import {
  DescribeOrganizationCommand,
  type OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from '@aws-sdk/client-organizations';

export interface OrganizationUnit {
  id: string;
  name: string;
  parentId: string;
  /** Entity path as aws:ResourceOrgPaths carries it, e.g. o-…/r-…/ou-…/. */
  path: string;
}

export interface OrganizationAccount {
  id: string;
  name: string;
  /** ACTIVE, SUSPENDED or PENDING_CLOSURE. */
  status: string;
  parentId: string;
  path: string;
}

export interface OrganizationSnapshot {
  organizationId: string;
  rootId: string;
  units: OrganizationUnit[];
  accounts: OrganizationAccount[];
}

export class OrganizationReadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrganizationReadError';
  }
}

export async function readOrganization(client: OrganizationsClient): Promise<OrganizationSnapshot> {
  const described = await client.send(new DescribeOrganizationCommand({}));
  const organizationId = described.Organization?.Id;
  if (!organizationId)
    throw new OrganizationReadError('DescribeOrganization returned no organization ID');

  const roots: string[] = [];
  for await (const page of paginateListRoots({ client }, {})) {
    for (const root of page.Roots ?? []) if (root.Id) roots.push(root.Id);
  }
  const [rootId] = roots;
  if (!rootId || roots.length !== 1) {
    throw new OrganizationReadError(`expected one root, ListRoots returned ${roots.length}`);
  }

  const units: OrganizationUnit[] = [];
  const accounts: OrganizationAccount[] = [];
  // Breadth first; the queue holds parents still to list.
  const queue: Array<{ id: string; path: string }> = [
    { id: rootId, path: `${organizationId}/${rootId}/` },
  ];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const parent = next;
    for await (const page of paginateListAccountsForParent({ client }, { ParentId: parent.id })) {
      for (const account of page.Accounts ?? []) {
        if (!account.Id) continue;
        accounts.push({
          id: account.Id,
          name: account.Name ?? '',
          status: String(account.Status ?? 'UNKNOWN'),
          parentId: parent.id,
          path: parent.path,
        });
      }
    }
    for await (const page of paginateListOrganizationalUnitsForParent(
      { client },
      { ParentId: parent.id },
    )) {
      for (const unit of page.OrganizationalUnits ?? []) {
        if (!unit.Id) continue;
        const path = `${parent.path}${unit.Id}/`;
        units.push({ id: unit.Id, name: unit.Name ?? '', parentId: parent.id, path });
        queue.push({ id: unit.Id, path });
      }
    }
  }
  return { organizationId, rootId, units, accounts };
}
