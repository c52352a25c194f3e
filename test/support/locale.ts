/**
 * The tests' locale, whatever the developer's: the CLI takes its language from LC_ALL/LC_MESSAGES/
 * LANG (cli/args.ts), and the tests expect its default, Chinese. Tests of the locale set their own.
 */
process.env.LANG = 'C.UTF-8';
delete process.env.LC_ALL;
delete process.env.LC_MESSAGES;
