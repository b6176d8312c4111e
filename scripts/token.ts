import { parseArgs } from 'node:util';
import { signToken } from '../api/auth';
import { Role, roles } from '../domain/hazard';
import { devJwtSecret } from './dev-secret';

const usage = `usage: npm run token -- --role ROLE [--sub ID] [--name NAME] [--dept ID] [--ent CODE] [--org BODY] [--expires 12h]
roles: ${roles.join(', ')}
inspector and department need --dept; enterprise needs --ent (its credit code);
assessor needs --org (its assessment body)`;

/** Prints a bearer token for a role and identity, signed with the development secret. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      name: { type: 'string' },
      dept: { type: 'string' },
      ent: { type: 'string' },
      org: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  const role = values.role as Role | undefined;
  if (!role || !roles.includes(role)) throw new Error(usage);
  if ((role === 'inspector' || role === 'department') && !values.dept) throw new Error(usage);
  if (role === 'enterprise' && !values.ent) throw new Error(usage);
  if (role === 'assessor' && !values.org) throw new Error(usage);

  const secret = process.env.JWT_SECRET?.trim() || devJwtSecret();
  const token = await signToken(
    secret,
    {
      id: values.sub ?? `${role}-${values.dept ?? values.ent ?? values.org ?? 'dev'}`,
      name: values.name ?? role,
      role,
      departmentId: values.dept,
      enterpriseId: values.ent,
      assessorId: values.org,
    },
    { expiresIn: values.expires, issuer: process.env.JWT_ISSUER || undefined },
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
