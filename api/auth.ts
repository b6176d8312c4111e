import type { NextFunction, Request, Response } from 'express';
import { createRemoteJWKSet, jwtVerify, JWTVerifyGetKey, SignJWT } from 'jose';
import { z } from 'zod';
import type { AppConfig } from '../config';
import { Actor, Role, roles } from '../domain/hazard';
import { problems } from './problem';

const claimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  role: z.enum(roles),
  dept: z.string().min(1).optional(),
  ent: z.string().min(1).optional(),
  org: z.string().min(1).optional(),
});

export type Verifier = (token: string) => Promise<Actor>;

export function createVerifier(auth: AppConfig['auth']): Verifier {
  const key: Uint8Array | JWTVerifyGetKey = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl))
    : new TextEncoder().encode(auth.jwtSecret ?? '');
  const options = {
    issuer: auth.issuer ?? undefined,
    algorithms: auth.jwksUrl ? undefined : ['HS256'],
  };

  return async (token) => {
    const { payload } = await jwtVerify(token, key as Uint8Array, options);
    const parsed = claimsSchema.safeParse(payload);
    if (!parsed.success) {
      const names = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
      throw new Error(`claims missing or malformed: ${names.join(', ')}`);
    }
    const claims = parsed.data;
    if ((claims.role === 'inspector' || claims.role === 'department') && !claims.dept) {
      throw new Error('staff tokens carry their department in "dept"');
    }
    if (claims.role === 'enterprise' && !claims.ent) {
      throw new Error('enterprise tokens carry their enterprise in "ent"');
    }
    if (claims.role === 'assessor' && !claims.org) {
      throw new Error('assessor tokens carry their assessment body in "org"');
    }
    return {
      id: claims.sub,
      name: claims.name,
      role: claims.role,
      departmentId: claims.dept,
      enterpriseId: claims.ent,
      assessorId: claims.org,
    };
  };
}

/** Issues a development token signed with the shared secret. */
export async function signToken(
  secret: string,
  actor: Actor,
  options: { expiresIn?: string; issuer?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({
    name: actor.name,
    role: actor.role,
    ...(actor.departmentId ? { dept: actor.departmentId } : {}),
    ...(actor.enterpriseId ? { ent: actor.enterpriseId } : {}),
    ...(actor.assessorId ? { org: actor.assessorId } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(actor.id)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  return jwt.sign(new TextEncoder().encode(secret));
}

declare module 'express-serve-static-core' {
  interface Locals {
    actor: Actor;
  }
}

export function authenticate(verify: Verifier) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // RFC 6750: a 401 names the scheme, and says when the token itself was refused
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw problems.unauthorized('需要 Authorization: Bearer <token>');
    }
    try {
      res.locals.actor = await verify(match[1]!);
    } catch (error) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw problems.unauthorized(`令牌无效：${(error as Error).message}`);
    }
    next();
  };
}

export function requireRole(actor: Actor, allowed: Role[]): void {
  if (!allowed.includes(actor.role)) {
    throw problems.forbidden(`需要以下角色之一：${allowed.join(', ')}`);
  }
}
