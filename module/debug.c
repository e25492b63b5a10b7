// SPDX-License-Identifier: GPL-2.0
/*
 * The debug build's race windows (debug.h): a busy wait of
 * debug_delay_us microseconds at each point.  The hooks run in atomic
 * context, so the wait spins; a preemptible kernel may still switch to
 * another task in the middle of it, which is the point.
 */

#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>

#include "debug.h"

static unsigned int debug_delay_us;
module_param(debug_delay_us, uint, 0644);
MODULE_PARM_DESC(debug_delay_us,
		 "debug build only: microseconds to stall a packet between its rule and its new flow");

void sgfw_debug_delay(enum sgfw_debug_point where)
{
	unsigned int us = READ_ONCE(debug_delay_us);

	while (us) {
		unsigned int step = min(us, 100U);

		/*
		 * A point where a preemptible kernel may switch tasks, as
		 * x86 may at any instruction; UML preempts only at such
		 * points.  In softirq context it changes nothing.
		 */
		preempt_disable();
		udelay(step);
		preempt_enable();
		us -= step;
	}
}
