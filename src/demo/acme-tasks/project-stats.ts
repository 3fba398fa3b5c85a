/** What `project_stats` holds about one project. */
interface ProjectTally {
  readonly tenant: string;
  open: number;
  done: number;
  comments: number;
  /** The greatest `updated_at` text of its live tasks, compared as text. */
  lastActivity: string | null;
}

/**
 * Gathers the per-project counts of the derived `project_stats` table while
 * tasks and comments are generated, so that every database gets the same rows
 * without a query of its own dialect. Memory grows with projects, not tasks.
 */
export class ProjectStats {
  private readonly projects = new Map<number, ProjectTally>();

  /** Registers a project; projects are listed in the order they are added. */
  addProject(projectId: number, tenant: string): void {
    this.projects.set(projectId, { tenant, open: 0, done: 0, comments: 0, lastActivity: null });
  }

  /** Counts a task that is not deleted. */
  addLiveTask(projectId: number, status: string, updatedAt: string): void {
    const tally = this.tally(projectId);
    if (status === 'done') tally.done++;
    else tally.open++;
    // Compared as text, as the first (SQLite) version of this table did with max().
    if (tally.lastActivity === null || updatedAt > tally.lastActivity) {
      tally.lastActivity = updatedAt;
    }
  }

  /** Counts a comment that is not deleted, on a task of the project (deleted or not). */
  addLiveComment(projectId: number): void {
    this.tally(projectId).comments++;
  }

  /** The `project_stats` rows, one per project in id order. */
  *rows(computedAt: string): Generator<Record<string, string | number | null>> {
    const ids = [...this.projects.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const tally = this.tally(id);
      yield {
        project_id: id,
        tenant_id: tally.tenant,
        open_tasks: tally.open,
        done_tasks: tally.done,
        comment_count: tally.comments,
        last_activity_at: tally.lastActivity,
        computed_at: computedAt,
      };
    }
  }

  private tally(projectId: number): ProjectTally {
    const tally = this.projects.get(projectId);
    if (tally === undefined) throw new Error(`project ${projectId} was not registered`);
    return tally;
  }
}
