import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Runs a package's JavaScript binary (node_modules/.bin/<name>) with the Node running this
 * script — not whatever `node` is first on PATH — inheriting stdio.
 */
export function runBin(root: string, bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runCommand(process.execPath, [path.join(root, "node_modules", ".bin", bin), ...args], { cwd: root, env });
}

function runCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** The repository root (lib/cli/ is two levels down). */
export const repoRoot = path.resolve(import.meta.dirname, "..", "..");
