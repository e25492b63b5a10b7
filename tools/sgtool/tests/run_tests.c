// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool's unit tests.  Run by `make check`; SGTOOL_BIN names the built
 * binary for the tests that execute it (./sgtool by default).
 */

#include "tap.h"
#include "tests.h"

int main(void)
{
	suite_print();
	suite_cli();
	suite_nl();
	suite_commands();
	suite_parse();
	suite_requests();
	suite_show();
	suite_nacl();
	suite_explain();
	suite_config();
	suite_monitor();
	suite_flowlog();
	suite_binary();
	return tap_done();
}
