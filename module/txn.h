/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transactions: a whole configuration built beside the running one, then
 * published at once or dropped whole.
 *
 * A transaction's candidate is a configuration of its own (struct
 * sgfw_cfg): groups, prefix lists and NACLs that name each other, and the
 * settings of each device (struct sgfw_txn_dev).  Its objects are checked
 * as they are added, against the candidate alone, with the limits that
 * single commands apply (config.h); nothing outside it points at them.
 *
 * sgfw_txn_commit() makes the candidate the running configuration, under
 * the RTNL, in one step for the data path: every device's ruleset is built
 * from the candidate first and all are published only when every one could
 * be (sgfw_config_commit()), so a packet sees the old configuration or the
 * new one.  What stays the same keeps what it had: a group of the same
 * name keeps its id, a rule that allows the same keeps its id, a NACL rule
 * of the same number and content keeps its counters, and flows are kept
 * as single changes keep them (semantics.md).  On success the transaction
 * holds the configuration that was running, ready to be committed back (a
 * pending "apply ... confirm"), or to be destroyed.
 */
#ifndef _SGFW_TXN_H
#define _SGFW_TXN_H

#include <linux/list.h>
#include <linux/netlink.h>

#include "config.h"
#include "netns.h"

/* The settings of one device name in a candidate (config.h, sgfw_dev). */
struct sgfw_txn_dev {
	struct list_head list;		/* in sgfw_txn.devs */
	char name[IFNAMSIZ];
	struct sgfw_dev *sd;		/* during a commit only */
	bool remode;			/* the same: its mode changes */
	bool created;			/* the same: @sd is new */
	u8 nsgs;
	struct sgfw_sg *sgs[SGFW_MAX_SGS_PER_DEV];
	struct sgfw_nacl *nacl;
	struct sgfw_timeouts to;
	enum sgfw_tracking tracking;
	bool audit;
	struct sgfw_port *port;		/* a reference, or NULL: endpoint */
};

/*
 * struct sgfw_txn - a transaction.
 * @portid: the socket that began it: only it may add to it, and its
 *	release drops it (netlink.c).
 * @cfg: the candidate's objects.
 * @devs: the candidate's device settings, by device name; a device it
 *	does not name has no group, no NACL and the default settings once
 *	it is committed.  At most SGFW_MAX_DEVS.
 * @flow_limit: the namespace's flow limit after the commit; 0 keeps it.
 * @flow_limit_set: once committed, the limit the commit left in force.  A
 *	commit that goes back restores @flow_limit only while the limit is
 *	still that one: a limit changed meanwhile (a host's admin lowering
 *	a container's) stays as it was changed.
 */
struct sgfw_txn {
	u32 portid;
	struct sgfw_cfg cfg;
	struct list_head devs;
	u32 flow_limit;
	u32 flow_limit_set;
};

struct sgfw_txn *sgfw_txn_new(u32 portid);
void sgfw_txn_destroy(struct sgfw_txn *txn);

struct sgfw_pl *sgfw_txn_add_pl(struct sgfw_txn *txn, const char *name,
				u32 max_entries, const struct sgfw_cidr *v,
				u32 n, struct netlink_ext_ack *extack);
struct sgfw_sg *sgfw_txn_add_sg(struct sgfw_txn *txn, const char *name,
				const char *desc, const struct sgfw_cidr *v,
				u32 n, struct netlink_ext_ack *extack);
int sgfw_txn_add_sg_rule(struct sgfw_txn *txn, struct sgfw_sg *sg,
			 struct sgfw_rule *r, struct netlink_ext_ack *extack);
struct sgfw_nacl *sgfw_txn_add_nacl(struct sgfw_txn *txn, const char *name,
				    struct netlink_ext_ack *extack);
int sgfw_txn_add_nacl_rule(struct sgfw_txn *txn, struct sgfw_nacl *nacl,
			   struct sgfw_nacl_rule *r,
			   struct netlink_ext_ack *extack);
int sgfw_txn_add_dev(struct sgfw_txn *txn, const struct sgfw_txn_dev *td,
		     const char *name, struct netlink_ext_ack *extack);

int sgfw_txn_build_room(const struct sgfw_txn *txn,
			struct netlink_ext_ack *extack);
int sgfw_txn_commit(struct sgfw_net *sn, struct sgfw_txn *txn);
struct sgfw_txn *sgfw_txn_clone(struct sgfw_net *sn);

/* Single commands, on a copy of the running configuration. */
struct sgfw_sg *sgfw_txn_sg_new(struct sgfw_txn *txn, const char *name,
				const char *desc,
				struct netlink_ext_ack *extack);
int sgfw_txn_sg_del(struct sgfw_txn *txn, struct sgfw_sg *sg,
		    struct netlink_ext_ack *extack);
int sgfw_txn_rule_new(struct sgfw_txn *txn, struct sgfw_sg *sg,
		      struct sgfw_rule *r, struct netlink_ext_ack *extack);
int sgfw_txn_rule_del(struct sgfw_txn *txn, struct sgfw_sg *sg, u32 id,
		      struct netlink_ext_ack *extack);
struct sgfw_pl *sgfw_txn_pl_new(struct sgfw_txn *txn, const char *name,
				u32 max_entries, struct netlink_ext_ack *extack);
int sgfw_txn_pl_del(struct sgfw_txn *txn, struct sgfw_pl *pl,
		    struct netlink_ext_ack *extack);
int sgfw_txn_pl_set(struct sgfw_txn *txn, struct sgfw_pl *pl, u32 max,
		    struct netlink_ext_ack *extack);
struct sgfw_txn_dev *sgfw_txn_dev_get(struct sgfw_txn *txn, const char *name,
				      struct netlink_ext_ack *extack);
int sgfw_txn_attach(struct sgfw_txn *txn, struct sgfw_txn_dev *td,
		    const char *dev, struct sgfw_sg *const *add, int n,
		    int *bad, struct netlink_ext_ack *extack);
int sgfw_txn_detach(struct sgfw_txn_dev *td, const char *dev,
		    const char *const *names, int n, int *bad,
		    struct netlink_ext_ack *extack);
int sgfw_txn_dev_nacl(struct sgfw_txn_dev *td, const char *dev,
		      struct sgfw_nacl *nacl, struct netlink_ext_ack *extack);
struct sgfw_nacl *sgfw_txn_nacl_new(struct sgfw_txn *txn, const char *name,
				    struct netlink_ext_ack *extack);
int sgfw_txn_nacl_del(struct sgfw_txn *txn, struct sgfw_nacl *nacl,
		      struct netlink_ext_ack *extack);
int sgfw_txn_nacl_rule_del(struct sgfw_nacl *nacl, u32 number, u32 dir,
			   struct netlink_ext_ack *extack);

void sgfw_txn_arm(struct sgfw_net *sn, struct sgfw_txn *old, u32 secs);
int sgfw_txn_confirm(struct sgfw_net *sn);
u32 sgfw_txn_pending(struct sgfw_net *sn);
void sgfw_txn_rollback_work(struct work_struct *work);

#endif /* _SGFW_TXN_H */
