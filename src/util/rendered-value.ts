import { IResolvable, IResolveContext, Token } from "cdktf";

/**
 * A value rendered when the stack is synthesized, like `Lazy.anyValue`, but without the stack
 * trace `Lazy` records when it is created: a library construct creates one per service, for
 * values whose rendering cannot fail, so the trace would only cost time and memory.
 * @internal
 */
export class RenderedValue implements IResolvable {
  public readonly creationStack: string[] = [];

  public constructor(private readonly render: () => unknown) {}

  public resolve(_context: IResolveContext): unknown {
    return this.render();
  }

  public toString(): string {
    return Token.asString(this);
  }

  /** What `JSON.stringify` shows before synth, as for a `Lazy`. */
  public toJSON(): string {
    return "<unresolved-lazy>";
  }
}
