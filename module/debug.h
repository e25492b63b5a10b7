/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Race windows that a debug build can widen, so that the stress scenarios
 * of the debug kernel (tests/uml/) reach, on purpose and often, the
 * interleavings that a reader of the code found: a packet that stands
 * between looking a device's ruleset up and recording its flow while the
 * device stops being filtered, or while the module goes away.
 *
 * Built only with SGFW_DEBUG_HOOKS=1 (scripts/uml.sh); in every other
 * build sgfw_debug_delay() is an empty inline and there is no parameter.
 */
#ifndef _SGFW_DEBUG_H
#define _SGFW_DEBUG_H

enum sgfw_debug_point {
	SGFW_DEBUG_BEFORE_CREATE,	/* a rule allowed it, its flow is next */
	SGFW_DEBUG_NUM,
};

#ifdef SGFW_DEBUG_HOOKS
void sgfw_debug_delay(enum sgfw_debug_point where);
#else
static inline void sgfw_debug_delay(enum sgfw_debug_point where)
{
}
#endif

#endif /* _SGFW_DEBUG_H */
