/**
 * One interval timer per distinct period, shared by every member with that period, instead of
 * a timer per connection. Idle connections are the common case, and a timer each (its Timeout,
 * its closure, its place in Node's timer lists) was a visible part of an idle session's memory.
 * Members with the same period tick together; a member added mid-period gets its first tick at
 * the group's next one, so it waits at most one period, as a timer of its own would.
 */
export class SharedIntervals<Member> {
  private readonly groups = new Map<number, { timer: NodeJS.Timeout; members: Set<Member> }>();

  constructor(private readonly tick: (member: Member, now: number) => void) {}

  add(periodMs: number, member: Member): void {
    let group = this.groups.get(periodMs);
    if (!group) {
      const members = new Set<Member>();
      const timer = setInterval(() => this.fire(members), periodMs);
      // Like the per-connection timers before: they never keep the process alive by themselves.
      timer.unref();
      group = { timer, members };
      this.groups.set(periodMs, group);
    }
    group.members.add(member);
  }

  delete(periodMs: number, member: Member): void {
    const group = this.groups.get(periodMs);
    if (!group?.members.delete(member) || group.members.size > 0) return;
    clearInterval(group.timer);
    this.groups.delete(periodMs);
  }

  private fire(members: Set<Member>): void {
    const now = Date.now();
    // A tick may end its member's connection, which deletes it from the set: iterate a copy.
    for (const member of [...members]) this.tick(member, now);
  }
}
