import { z } from "zod";

/** The `{id}` segment of /api/v1/routes/{id}/…; only ever reaches SQL as a parameter. */
export const routeIdParamsSchema = z.object({ id: z.string().min(1, "id must not be empty").max(128) });
