"""Training data generation: dialogues run through the real engine, rendered for training.

`generate(...)` composes dialogues from episodes, runs every shopper turn through the real
`DialogueEngine` (policy, tools, store, search indexes, grounding verifier) with the
reference model (`OracleModel`) in place of the LLM, and turns the recorded requests into
training sequences rendered with the served chat template, the live tool registry and the
real system prompt. Rerun it whenever tools, prompts or the template change.

The train and dev splits use disjoint shoppers and disjoint phrasing families.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.engine import DialogueEngine, ErrorEvent, ToolResultEvent, TurnOutcome
from assistant.finetune import episodes_service as service
from assistant.finetune import episodes_shop as shop
from assistant.finetune import episodes_talk as talk
from assistant.finetune.examples import Example, Renderer, group_records, target_label
from assistant.finetune.oracle import CallRecord, OracleModel, PlanError
from assistant.finetune.phrasebook import phrasebook
from assistant.finetune.phrasing import Split, Style
from assistant.finetune.scenarios import SIGN_IN_MODES, Conversation, EpisodeFactory, Turn
from assistant.finetune.world import DemoWorld

log = logging.getLogger(__name__)

TRAIN_CASES = "train_cases.jsonl"
"""The training split's call requests as eval cases (`generate(train_cases=...)`)."""
MAX_TURNS = 6
"""Shopper turns per dialogue; the engine's history window keeps 6, so nothing is cut."""
MAX_DROPPED = 0.03
"""Share of dialogues whose plan may fail (then skipped) before generation stops."""
OPENINGS: list[tuple[EpisodeFactory, float]] = [
    (talk.greet, 0.1),
    (shop.search, 0.15),
    (service.sign_in, 0.3),
]
"""Episodes that open this share of dialogues, whatever the shopper's archetype.

Order dialogues open with the sign-in request, and their first messages name products
("return the t-shirt I bought"); without enough product requests met by a search on the
first turn, the model answers "show me t-shirts" by asking the shopper to sign in. And
shoppers who give only their email first must not be asked to sign in again later: with
16% of dialogues opening that way the model still asked them (its order requests then
looked like an anonymous shopper's); 30% taught it the difference.
"""

SHOP: list[tuple[EpisodeFactory, float, int]] = [
    (shop.search, 5.0, 1),
    (shop.details, 2.0, 1),
    (shop.compare, 2.0, 1),
    (shop.cart_add, 1.6, 2),
    (shop.cart_view, 0.8, 1),
    (shop.cart_remove, 0.6, 2),
    (shop.faq, 2.5, 1),
    (shop.product_types, 0.6, 1),
]
SERVICE: list[tuple[EpisodeFactory, float, int]] = [
    (service.status, 3.0, 5),
    (service.cancel, 2.5, 5),
    (service.return_items, 3.5, 5),
    (service.exchange, 2.0, 4),
    (service.modify_items, 2.0, 4),
    (service.order_address, 1.0, 5),
    (service.user_address, 1.0, 4),
    (service.payment, 0.6, 4),
    (service.profile, 1.0, 3),
]
TALK: list[tuple[EpisodeFactory, float, int]] = [
    (talk.other_person, 1.2, 1),
    (talk.injection, 0.6, 1),
    (talk.off_topic, 0.8, 1),
    (talk.human, 1.5, 1),
]
ARCHETYPES = {
    "shop": {"shop": 0.8, "talk": 0.2},
    "service": {"service": 0.7, "shop": 0.1, "talk": 0.2},
    "mixed": {"shop": 0.45, "service": 0.4, "talk": 0.15},
}
CATEGORIES = {"shop": SHOP, "service": SERVICE, "talk": TALK}


def emphasis_names() -> list[str]:
    """Names `emphasis` weighs: the openings and episodes a dialogue draws from, the episode
    categories (`shop`, `service`, `talk`: a factor scales the category's share in every
    archetype), and the sign-in modes as `identify_<mode>` (see `scenarios.SIGN_IN_MODES`).
    An opening's factor scales its share of first turns; `search` is both an opening and an
    episode."""
    names = [factory.__name__ for factory, _ in OPENINGS]
    names += list(CATEGORIES)
    names += [factory.__name__ for options in CATEGORIES.values() for factory, _, _ in options]
    names += [f"identify_{mode}" for mode in SIGN_IN_MODES]
    return list(dict.fromkeys(names))


def check_emphasis(emphasis: dict[str, float]) -> None:
    """Refuse factors on unknown names, and factors that are not positive."""
    known = emphasis_names()
    for name, factor in emphasis.items():
        if name not in known:
            raise ValueError(f"nothing named {name!r} to weigh; names: {', '.join(known)}")
        if not factor > 0:
            raise ValueError(f"the factor for {name!r} must be more than 0, got {factor}")


@dataclass
class Dialogue:
    """One generated dialogue: its requests and the examples built from them."""

    conversation: str
    split: Split
    records: list[CallRecord]
    examples: list[Example] = field(default_factory=list)


@dataclass
class SplitData:
    """Everything generated for one split."""

    split: Split
    dialogues: list[Dialogue]
    dropped: list[str] = field(default_factory=list)

    @property
    def examples(self) -> list[Example]:
        """All training sequences of the split."""
        return [e for d in self.dialogues for e in d.examples]

    @property
    def records(self) -> list[CallRecord]:
        """All requests of the split."""
        return [r for d in self.dialogues for r in d.records]


def _check(turn: Turn, outcome: TurnOutcome) -> None:
    failures = [e for e in outcome.events if isinstance(e, ErrorEvent)]
    if failures:
        # The engine turns model exceptions (a plan error included) into an error event.
        raise PlanError(f"{turn.intent}: {failures[0].message}")
    if outcome.grounding_failed:
        raise PlanError(f"reply failed grounding ({turn.intent}): {outcome.reply!r}")
    errors = outcome.tool_errors + outcome.policy_refusals
    if turn.expect_errors >= 0 and errors != turn.expect_errors:
        details = [e for e in outcome.events if isinstance(e, ToolResultEvent) and not e.ok]
        raise PlanError(
            f"{turn.intent}: {errors} tool errors, planned {turn.expect_errors}: {details}"
        )


# Results that show other products than the last search's: "the first one" is no longer its.
_LISTINGS = frozenset({"compare_products", "get_product", "recommend_for_user", "similar_products"})


def _track(conv: Conversation, outcome: TurnOutcome) -> None:
    for event in outcome.events:
        if not (isinstance(event, ToolResultEvent) and event.ok):
            continue
        if event.name == "search_products":
            conv.hits = [h.model_dump() for h in event.result.results]
        elif event.name in _LISTINGS:
            conv.hits = []


def run_dialogue(
    world: DemoWorld,
    conv: Conversation,
    plan: Callable[[Conversation], list[EpisodeFactory]] | None,
    conversation_id: str,
    max_tool_rounds: int = 4,
) -> list[CallRecord]:
    """Run one dialogue through the engine; returns the recorded requests.

    Args:
        world: The demo store.
        conv: The dialogue's shared state.
        plan: Chooses the next episodes; `choose_episode` by default.
        conversation_id: Session id and label of the dialogue.
        max_tool_rounds: The engine's tool rounds per turn.
    """
    oracle = OracleModel()
    engine = DialogueEngine(
        oracle,
        world.store,
        world.registry,
        catalog=world.catalog,
        faq=world.faq,
        max_tool_rounds=max_tool_rounds,
        history_turns=MAX_TURNS,
    )
    episodes = iter(plan(conv)) if plan is not None else None
    while conv.turns < MAX_TURNS:
        factory = next(episodes, None) if episodes is not None else choose_episode(conv)
        if factory is None:
            break
        episode = factory(conv)
        try:
            turn = next(episode)
            while True:
                oracle.load(
                    turn.steps,
                    {"intent": turn.intent, "family": turn.family, "conversation": conversation_id},
                )
                outcome = engine.respond(conversation_id, turn.text)
                oracle.finish_turn()
                _check(turn, outcome)
                _track(conv, outcome)
                conv.turns += 1
                turn = episode.send(outcome)
        except StopIteration:
            pass
    return oracle.records


def choose_episode(conv: Conversation) -> EpisodeFactory | None:
    """The next episode of a dialogue, or None to end it; fits the remaining turns."""
    rng = conv.rng
    left = MAX_TURNS - conv.turns
    if conv.turns == 0:
        roll = rng.random()
        for factory, share in OPENINGS:
            scaled = share * conv.emphasis.get(factory.__name__, 1.0)
            if roll < scaled:
                return factory
            roll -= scaled
    if conv.turns >= 3 and rng.random() < 0.2:
        return talk.thanks if rng.random() < 0.5 else None
    archetype = ARCHETYPES[conv.archetype]
    for _ in range(10):
        shares = [share * conv.emphasis.get(name, 1.0) for name, share in archetype.items()]
        category = rng.choices(list(archetype), weights=shares, k=1)[0]
        options = CATEGORIES[category]
        weights = [w * conv.emphasis.get(f.__name__, 1.0) for f, w, _ in options]
        factory, _, turns = rng.choices(options, weights=weights, k=1)[0]
        need = turns if not conv.authenticated else min(turns, 3)
        if need <= left:
            return factory
    return None


def new_conversation(
    world: DemoWorld,
    split: Split,
    index: int,
    seed: int,
    user: dict[str, Any],
    emphasis: dict[str, float] | None = None,
) -> Conversation:
    """The state of dialogue `index` of a split, seeded from (seed, split, index)."""
    rng = random.Random(f"{seed}:{split}:{index}")
    other = rng.choice(world.users)
    while other["user_id"] == user["user_id"]:
        other = rng.choice(world.users)
    return Conversation(
        world=world,
        rng=rng,
        split=split,
        book=phrasebook(),
        user=user,
        other=other,
        style=Style.sample(rng),
        archetype=rng.choices(list(ARCHETYPES), weights=[0.4, 0.35, 0.25], k=1)[0],
        emphasis=dict(emphasis or {}),
    )


def shoppers(world: DemoWorld, seed: int) -> dict[Split, list[dict[str, Any]]]:
    """Disjoint shopper pools for the splits, seeded.

    Shoppers with both a pending and a delivered order come first in each pool, so the
    service episodes (cancel, return, exchange, changes) find an order to work on.
    """
    users = sorted(world.users, key=lambda u: u["user_id"])
    random.Random(f"{seed}:users").shuffle(users)
    cut = len(users) * 4 // 5

    def rich(user: dict[str, Any]) -> bool:
        statuses = {o["status"] for o in world.orders_of(user["user_id"])}
        return {"pending", "delivered"} <= statuses

    pools: dict[Split, list[dict[str, Any]]] = {"train": users[:cut], "dev": users[cut:]}
    return {split: sorted(pool, key=lambda u: not rich(u)) for split, pool in pools.items()}


def generate_split(
    world: DemoWorld,
    renderer: Renderer,
    split: Split,
    dialogues: int,
    seed: int,
    *,
    max_tool_rounds: int = 4,
    start: int = 0,
    emphasis: dict[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SplitData:
    """Generate dialogues `start` to `start + dialogues - 1` of one split and their sequences.

    Dialogue `i` depends only on (seed, split, i, emphasis), so a later stage of training can
    take dialogues no earlier stage saw by starting where it stopped. Past the end of the
    split's shopper pool, shoppers come round again with new dialogue plans. `emphasis`
    multiplies the weights of named episodes (a stage aimed at a weak flow).
    """
    if start < 0:
        raise ValueError(f"the first dialogue number must be 0 or more, got {start}")
    check_emphasis(emphasis or {})
    pool = shoppers(world, seed)[split]
    data = SplitData(split, [])
    for done, index in enumerate(range(start, start + dialogues), start=1):
        conversation_id = f"ft-{split}-{index:04d}"
        conv = new_conversation(world, split, index, seed, pool[index % len(pool)], emphasis)
        try:
            records = run_dialogue(world, conv, None, conversation_id, max_tool_rounds)
        except PlanError as err:
            log.warning("dialogue %s dropped: %s", conversation_id, err)
            data.dropped.append(f"{conversation_id}: {err}")
            if len(data.dropped) > max(2, MAX_DROPPED * dialogues):
                failed = len(data.dropped)
                raise PlanError(
                    f"too many dialogue plans failed ({failed}); first: {data.dropped[0]}"
                ) from err
            continue
        dialogue = Dialogue(conversation_id, split, records)
        dialogue.examples = group_records(
            records, renderer, conversation=conversation_id, split=split
        )
        data.dialogues.append(dialogue)
        if progress is not None:
            progress(done, dialogues)
    return data


def _case(dialogue: Dialogue, n: int, record: CallRecord) -> dict[str, Any]:
    """Request `n` of `dialogue` as an eval case: the messages sent and the expected target."""
    return {
        "id": f"{dialogue.conversation}/{n}",
        "messages": record.messages,
        "target": record.target.to_json(),
        **target_label(record),
    }


def dev_cases(data: SplitData) -> list[dict[str, Any]]:
    """One eval case per request of the split: the messages sent and the expected target."""
    return [_case(d, n, record) for d in data.dialogues for n, record in enumerate(d.records)]


def call_cases(data: SplitData, *, sample: int, seed: int = 0) -> list[dict[str, Any]]:
    """The split's call requests as eval cases, each with its `position` in the split's
    sequences ([sequence, target]): every call that follows a tool result (the choices after
    a sign-in or an order lookup) and a seeded sample of `sample` calls that follow a message.
    """
    after_tool: list[dict[str, Any]] = []
    after_message: list[dict[str, Any]] = []
    first = 0
    for dialogue in data.dialogues:
        positions = [
            [first + n, target]
            for n, example in enumerate(dialogue.examples)
            for target in range(len(example.spans))
        ]
        first += len(dialogue.examples)
        for n, (record, position) in enumerate(zip(dialogue.records, positions, strict=True)):
            if record.target.kind != "call":
                continue
            case = _case(dialogue, n, record) | {"position": position}
            follows_tool = record.messages[-1]["role"] == "tool"
            (after_tool if follows_tool else after_message).append(case)
    sampled = random.Random(seed).sample(after_message, min(sample, len(after_message)))
    return after_tool + sampled


def opening(dialogue: Dialogue) -> str | None:
    """The intent of a dialogue's first request ("search", "greet", "cancel", ...)."""
    if not dialogue.examples or not dialogue.examples[0].targets:
        return None
    return dialogue.examples[0].targets[0]["intent"]


def statistics(data: SplitData) -> dict[str, Any]:
    """Counts and token totals of a split."""
    examples = data.examples
    labels = [t for e in examples for t in e.targets]
    return {
        "dialogues": len(data.dialogues),
        "dropped_dialogues": len(data.dropped),
        "sequences": len(examples),
        "targets": len(labels),
        "tokens": sum(e.tokens for e in examples),
        "target_tokens": sum(e.target_tokens for e in examples),
        "max_sequence_tokens": max((e.tokens for e in examples), default=0),
        "by_kind": dict(sorted(Counter(t["kind"] for t in labels).items())),
        "by_tool": dict(sorted(Counter(t["tool"] for t in labels if t["tool"]).items())),
        "by_intent": dict(sorted(Counter(t["intent"] for t in labels).items())),
        "openings": dict(sorted(Counter(o for d in data.dialogues if (o := opening(d))).items())),
        "families": sorted({f for t in labels for f in str(t["family"]).split("+")}),
    }


def fingerprint(renderer: Renderer, system_prompt: str) -> str:
    """Hash of what the data depends on: chat template, tool schemas, system prompt."""
    blob = json.dumps([renderer.chat_template, renderer.tools, system_prompt], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write rows as JSON lines (atomically: a temp file renamed over the target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read JSON lines; a clear error names the file and line of a bad row."""
    rows = []
    with path.open(encoding="utf-8") as source:
        for number, line in enumerate(source, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path}:{number}: not valid JSON ({err.msg})") from err
    return rows


def generate(
    world: DemoWorld,
    renderer: Renderer,
    out_dir: Path,
    *,
    train_dialogues: int,
    dev_dialogues: int,
    seed: int = 0,
    train_start: int = 0,
    train_emphasis: dict[str, float] | None = None,
    train_cases: int = 0,
    max_tool_rounds: int = 4,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Generate both splits and write `train.jsonl`, `dev.jsonl`, `dev_cases.jsonl` and
    `manifest.json` into `out_dir`; returns the manifest.

    With `train_cases`, also `TRAIN_CASES`: the training split's call requests as
    eval cases (`call_cases`, sampling that many that follow a message), for `finetune focus`.

    Training dialogues start at number `train_start` and weigh episodes by
    `train_emphasis` (see `generate_split`); the dev split always holds dialogues 0 to
    `dev_dialogues - 1` with the default mix, so it stays the same measurement.
    """
    from assistant.engine.dialogue import default_system_prompt

    started = time.perf_counter()
    manifest: dict[str, Any] = {
        "seed": seed,
        "train_start": train_start,
        "train_emphasis": dict(train_emphasis or {}),
        "train_cases": train_cases,
        "fingerprint": fingerprint(renderer, default_system_prompt()),
        "tools": [t["function"]["name"] for t in renderer.tools],
        "splits": {},
    }
    plans: tuple[tuple[Split, int, int, dict[str, float] | None], ...] = (
        ("train", train_dialogues, train_start, train_emphasis),
        ("dev", dev_dialogues, 0, None),
    )
    for split, count, start, emphasis in plans:
        report = (lambda done, total, s=split: progress(s, done, total)) if progress else None
        data = generate_split(
            world,
            renderer,
            split,
            count,
            seed,
            max_tool_rounds=max_tool_rounds,
            start=start,
            emphasis=emphasis,
            progress=report,
        )
        write_jsonl(out_dir / f"{split}.jsonl", [e.to_json() for e in data.examples])
        if split == "dev":
            write_jsonl(out_dir / "dev_cases.jsonl", dev_cases(data))
        elif train_cases:
            write_jsonl(out_dir / TRAIN_CASES, call_cases(data, sample=train_cases))
        else:  # an earlier run's cases would point into other sequences
            (out_dir / TRAIN_CASES).unlink(missing_ok=True)
        manifest["splits"][split] = statistics(data)
        manifest["splits"][split]["dropped"] = data.dropped
    manifest["seconds"] = round(time.perf_counter() - started, 1)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
