/** `ledger-sync` command line: the same core as the add-in and the service, on .xlsx files. */
import { SaidError } from '../shared/said-error';
import { visibleText } from '../shared/text';
import { Io, UsageError, sessionLang } from './args';
import { runCheck } from './check-command';
import { runAnalyze } from './analyze-command';
import { runPush } from './push-command';
import { runReport } from './report-command';
import { runAudit, runClose, runDiff } from './month-end-commands';
import { runManifest } from './manifest-command';
import { runServe, runToken } from './server-commands';
import { runBackup, runDb, runRestore } from './db-commands';
import { commandUsage, usageText } from './usage';

export { usageText } from './usage';

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: process.stderr.isTTY };

/**
 * What every command writes, with the text of cells shown and never obeyed: a ledger's escape
 * sequence (ESC [2J) or carriage return cannot clear or redraw the reader's screen. A progress
 * line's own leading `\r` is the one control character let through.
 */
export function terminalIo(io: Io): Io {
  return {
    out: (s) => io.out(visibleText(s)),
    err: (s) => io.err(s.startsWith('\r') ? '\r' + visibleText(s.slice(1)) : visibleText(s)),
    tty: io.tty,
  };
}

/**
 * A closed pipe (`ledger-sync diff | head -1`) ends the output quietly, as other command-line
 * tools do: the reader has what it wanted.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

export async function main(argv: string[], outerIo: Io = stdio): Promise<number> {
  const io = terminalIo(outerIo);
  try {
    const [command, ...rest] = argv;
    // `<command> --help` (or -h) anywhere after the command: that command's usage, exit 0.
    const help = command !== undefined && (rest.includes('--help') || rest.includes('-h')) ? commandUsage(command, sessionLang(argv)) : undefined;
    if (help !== undefined) {
      io.out(help);
      return 0;
    }
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case 'analyze':
        return await runAnalyze(rest, io);
      case 'push':
        return await runPush(rest, io);
      case 'report':
        return await runReport(rest, io);
      case 'close':
        return await runClose(rest, io);
      case 'reopen':
        return await runClose(rest, io, true);
      case 'diff':
        return await runDiff(rest, io);
      case 'audit':
        return await runAudit(rest, io);
      case 'manifest':
        return await runManifest(rest, io);
      case 'serve':
        return await runServe(rest, io);
      case 'token':
        return await runToken(rest, io);
      case 'backup':
        return await runBackup(rest, io);
      case 'restore':
        return await runRestore(rest, io);
      case 'db':
        return await runDb(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(usageText(sessionLang(argv)));
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError({ zh: `未知的命令“${command}”：运行 ledger-sync --help 查看用法`, en: `unknown command "${command}"; run "ledger-sync --help"` });
    }
  } catch (e) {
    const lang = sessionLang(argv);
    if (e instanceof SaidError) {
      io.err(`ledger-sync: ${e.text(lang)}\n`);
    } else {
      // Never a stack trace for the user; LEDGER_SYNC_DEBUG=1 shows it to a developer.
      io.err(`ledger-sync: internal error: ${(e as Error).message}\n`);
      if (process.env.LEDGER_SYNC_DEBUG) io.err(`${(e as Error).stack}\n`);
    }
    return 2;
  }
}

/** The process's entry (bin/ledger-sync.js): the exit code set, a closed pipe ending quietly. */
export function run(argv: string[] = process.argv.slice(2)): void {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  main(argv).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) run();
