// SPDX-License-Identifier: MIT
/*
 * The command tables as text, for the checks of what is kept by hand
 * beside them (tests/unit/tables.py: the shell completions): one line per
 * command of ours, "NAME SHORT SELECTORS" (none, one or any) and each
 * option it takes as "--LONG,LETTER,TAKES_ARGUMENT" ("--json,,0"), and a
 * first line "- - none" with every option before a command.
 */
#include <stdio.h>

#include "command.h"

static void line(const char *name, char short_name, enum command command)
{
	static const char *const rules[] = {
		[SELECTORS_UNSET] = "unset",
		[SELECTORS_NONE] = "none",
		[SELECTORS_ONE] = "one",
		[SELECTORS_ANY] = "any",
	};
	const struct opt *set[64];
	size_t n = command_options(command, set, 64);

	printf("%s %c %s", name, short_name,
	       rules[commands[command].selectors]);
	for (size_t i = 0; i < n; i++)
		printf(" --%s,%.1s,%d", set[i]->name, &set[i]->short_name,
		       set[i]->has_arg);
	putchar('\n');
}

int main(void)
{
	line("-", '-', COMMAND_NONE);
	for (const struct opt *o = command_opts; o->name; o++)
		if (o->command != COMMAND_OTHER && o->command != COMMAND_HELP)
			line(o->name, o->short_name, o->command);
	return fflush(stdout) ? 1 : 0;
}
