/**
 * corosync-keygen: writes the cluster's shared secret, with Corosync 3.1.7's flags, messages,
 * exit codes, key size (256 bytes by default, 128..4096 with -s) and file mode (0400).
 */
import {
  authkeyBytesDefault,
  authkeyBytesMax,
  authkeyBytesMin,
  defaultAuthkeyPath,
  type RandomSource,
  readRandom,
  writeAuthkey,
} from "../cluster/config/authkey.js";
import { getopt } from "./_corosync-getopt.js";
import type { ToolIo } from "./tool-io.js";

const usage = `Usage: corosync-keygen [-k <keyfile>] [-s size] [-m <randomfile>] [-l] [-h]
     -k / --key-file=<filename> -  Write to the specified keyfile
            instead of the default ${defaultAuthkeyPath}.
     -r / --random-file -  Random number source file. Default is 
            /dev/urandom. As an example /dev/random may be requested
            (that may require user input for entropy).
     -l / --less-secure - Not used, option is kept only
            for compatibility.
     -s / --size -  Length of key.
     -h / --help -  Print basic usage.

`;

const specs = [
  { short: "k", long: "key-file", takesValue: true },
  { short: "r", long: "random-file", takesValue: true },
  { short: "s", long: "size", takesValue: true },
  { short: "l", long: "less-secure", takesValue: false },
  { short: "h", long: "help", takesValue: false },
] as const;

/**
 * @example await corosyncKeygen(["-k", "/tmp/authkey"], io); // 256 bytes, mode 0400
 */
export async function corosyncKeygen(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = getopt("corosync-keygen", argv, specs);
  if (!parsed.ok) {
    io.stderr(`${parsed.message}\n`);
    io.stdout("Error parsing command line options.\n");
    return 1;
  }
  let keyfile = defaultAuthkeyPath;
  let randomFile: string | undefined;
  let bytes = authkeyBytesDefault;
  for (const o of parsed.options) {
    if (o.short === "h") {
      io.stdout(usage);
      return 0;
    }
    if (o.short === "k") keyfile = o.value ?? keyfile;
    if (o.short === "r") randomFile = o.value;
    if (o.short === "s") {
      const size = /^\d+$/.test(o.value ?? "") ? Number(o.value) : Number.NaN;
      if (!(size >= authkeyBytesMin && size <= authkeyBytesMax)) {
        io.stderr(
          `corosync-keygen: Unsupported key size (supported <${authkeyBytesMin},${authkeyBytesMax}>)\n\n`,
        );
        return 1;
      }
      bytes = size;
    }
  }
  return generate({ keyfile, randomFile, bytes }, io);
}

function generate(
  opts: { keyfile: string; randomFile: string | undefined; bytes: number },
  io: ToolIo,
): number {
  io.stdout("Corosync Cluster Engine Authentication key generator.\n");
  io.stdout(
    `Gathering ${opts.bytes * 8} bits for key from ${opts.randomFile ?? "/dev/urandom"}.\n`,
  );
  const source: RandomSource =
    opts.randomFile === undefined ? { kind: "csprng" } : { kind: "file", path: opts.randomFile };
  const key = readRandom(source, opts.bytes);
  if (!key.ok) {
    const why = key.error.kind === "io" ? key.error.detail : "Unexpected end of file";
    io.stderr(`corosync-keygen: Failed to open random source: ${why}\n`);
    return 1;
  }
  const written = writeAuthkey(opts.keyfile, key.value);
  if (!written.ok) {
    const why = written.error.kind === "io" ? written.error.detail : "short write";
    io.stderr(`corosync-keygen: Could not create ${opts.keyfile}: ${why}\n`);
    return 2;
  }
  io.stdout(`Writing corosync key to ${opts.keyfile}.\n`);
  return 0;
}
