import { z } from "zod";

/** The auth API's bodies, shared by the route handlers and the login page / user menu. */

export const userRoleSchema = z.enum(["viewer", "operator"]);

export const loginRequestSchema = z.object({
  username: z.string().trim().min(1, "enter a user name").max(128),
  password: z.string().min(1, "enter the password").max(1024),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const sessionUserSchema = z.object({ username: z.string(), role: userRoleSchema });
export type SessionUserDto = z.infer<typeof sessionUserSchema>;

/** GET /api/v1/auth/session, and the answers of login (user set) and logout (user null). */
export const sessionResponseSchema = z.object({
  user: sessionUserSchema.nullable(),
  viewAccess: z.enum(["open", "signed-in"]),
  /** ISO 8601, when the session ends; with a user only. */
  expiresAt: z.string().optional(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;
