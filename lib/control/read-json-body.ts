import { ValidationError } from "@/lib/http/errors";
import { UnsupportedMediaTypeError } from "@/lib/http/errors";

/**
 * Reads a JSON request body of at most `limitBytes`. A declared Content-Length over the limit
 * is refused before reading; without one (chunked), reading stops — and the stream is
 * cancelled — as soon as the bytes received pass the limit, so no more than the limit is
 * ever buffered. Throws UnsupportedMediaTypeError (415) for anything but application/json
 * and ValidationError (400) for a body that is too large, empty, not UTF-8 or not JSON.
 */
export async function readJsonBody(request: Request, options: { limitBytes: number; limitName: string }): Promise<unknown> {
  const contentType = request.headers.get("content-type");
  if (!isJsonMediaType(contentType)) {
    throw new UnsupportedMediaTypeError(`Content-Type must be application/json, got ${contentType ?? "none"}`);
  }
  const encoding = request.headers.get("content-encoding");
  if (encoding !== null && encoding.trim().toLowerCase() !== "identity") {
    throw new UnsupportedMediaTypeError(`Content-Encoding "${encoding}" is not supported; send the body uncompressed`);
  }
  const tooLarge = () =>
    new ValidationError(`body is larger than the limit of ${options.limitBytes} bytes (${options.limitName})`, { param: "body" });

  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > options.limitBytes) throw tooLarge();

  const bytes = await readLimited(request, options.limitBytes, tooLarge);
  if (bytes.length === 0) throw new ValidationError("body: expected a JSON object, got an empty body", { param: "body" });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError("body: not valid UTF-8", { param: "body" });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError(`body: not valid JSON (${error instanceof Error ? error.message : String(error)})`, {
      param: "body",
    });
  }
}

/** application/json or application/<something>+json, parameters (charset) ignored. */
export function isJsonMediaType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const type = contentType.split(";")[0].trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

async function readLimited(request: Request, limitBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      chunks.length = 0;
      // Stop the upload instead of draining it: nothing past the limit is read.
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
