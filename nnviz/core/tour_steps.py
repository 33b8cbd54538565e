"""The guided tour's content: one step per idea of the explanation, in its order, as data (no Qt).

Each step says what it is about in a few sentences, which views it points at, what it sets up for the learner
before they read it (the example network, a 2 on the canvas, slow motion, the right dock in front), one thing to
try, and the event that shows it was done. ``nnviz.gui.tour`` turns the names used here (views, docks, notices)
into the window's widgets and signals; the texts are the app's own words for the explanation's ideas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .drawing import normalize

DIGIT = 2  #: the digit the tour puts on the canvas, as the explanation's backpropagation example does
DATA_NOTE = "This needs MNIST: download it or open a copy (File menu) to try it."

#: what a step can listen for (``nnviz.gui.tour`` connects each to the window's signals)
NOTICES = ("neuron clicked", "output neuron", "neuron inspected", "z moved", "input changed", "weight image",
           "target changed", "stepped", "cost fell", "learning rate changed", "output rose", "batch averaged",
           "experiment started", "noise shown")


@dataclass(frozen=True)
class Setup:
    """What a step puts in place before the learner reads it."""

    network: str | None = None  #: "example": the shipped example network; "fresh": random weights (video preset)
    fresh_until: int = 0  #: "fresh": keep the tour's fresh network while it has taken at most this many mini-batches
    two: bool = False  #: a 2 on the canvas (an MNIST test image, or a drawn one without the data)
    paused: bool = True  #: pause training (False: leave it as it is)
    speed: float | None = None  #: mini-batches a second (one of the speed slider's), None: leave it
    dock: str | None = None  #: the dock to bring to the front
    backprop_canvas: bool = False  #: the Backpropagation tab explains the canvas, which should be a 2
    #: the neuron (layer, index) the Neuron tab shows at first; (layer, None): the one :func:`neuron_to_inspect` picks
    inspect: tuple[int, int | None] | None = None


@dataclass(frozen=True)
class Step:
    """One idea: its title, a few sentences, the views it is about, its set-up, one thing to try and its notice."""

    key: str  #: stable name (where the tour stopped is remembered by it)
    title: str
    text: str  #: rich text; ``{where}`` is replaced by :attr:`where`
    task: str  #: the one thing to try
    done: str  #: said once the step noticed it
    notice: str  #: one of :data:`NOTICES`
    views: tuple[str, ...]  #: what is highlighted ("graph", "draw", "bars", "weights", "cost", "training", …)
    setup: Setup = Setup()
    where: str = ""
    needs_data: bool = False  #: the task cannot be done on the example network alone
    without_data: str = ""  #: what is different without MNIST (said when the data is missing)

    def body(self) -> str:
        """The step's sentences, with where to look filled in."""
        return self.text.replace("{where}", self.where)


_INSPECT = "inspector"

STEPS: tuple[Step, ...] = (
    Step("neuron", "A neuron holds a number",
         "This tour walks through the explanation on this window, one idea at a time; Leave puts everything back as "
         "you had it. First the <b>neuron</b>: a thing that holds one number, its <b>activation</b>. Each circle in "
         "the graph is a neuron, shaded by its activation: black is 0, the brighter the larger. The picture on the "
         "left stands for 784 more, the input neurons: one per pixel of the 2 on the canvas, with that pixel's "
         "brightness as its activation.",
         "Hover a neuron to read its activation, then click one in a hidden layer.",
         "Its connections now stand out from the rest.",
         "neuron clicked", ("graph",), Setup(network="example", two=True)),
    Step("layers", "Layers",
         "Neurons come in <b>layers</b>. The input layer's activations decide those of the first hidden layer, "
         "those decide the second's, and those the ten output neurons: the brightest output is the network's guess, "
         "also shown by the ten bars under the canvas. The hidden layers in between each respond to patterns in the "
         "layer before — bits of strokes and loops, more or less.",
         "Draw over the 2 on the canvas (or press MNIST digit) and watch every layer light up differently.",
         "A different input, a different pattern in every layer.",
         "input changed", ("draw", "graph"), Setup(network="example", two=True)),
    Step("weights", "Weights",
         "Each connection between neurons of neighbouring layers has a <b>weight</b>: a number, positive (blue) or "
         "negative (red), brighter when it is larger. The weight images show the 784 weights going into one neuron "
         "of the first hidden layer as a 28×28 picture: where it is blue, a lit pixel pushes that neuron up; where "
         "it is red, down. The strip under each picture is its bias, two steps from here.",
         "Click one of the weight images: the same neuron is picked out in the graph.",
         "That neuron is picked out in the graph too.",
         "weight image", ("weights",), Setup(network="example", two=True, dock="weights")),
    Step("weighted-sum", "The weighted sum",
         "A neuron takes every activation a of the layer before, multiplies it by the weight w of its connection and "
         "adds the products up: w₁a₁ + w₂a₂ + … + wₙaₙ. That total is its <b>weighted sum</b>. It is large when the "
         "pixels under its blue weights are lit and those under its red weights are dark. {where}",
         "Click another neuron in the graph (or a weight image): the Neuron tab writes out its weighted sum.",
         "The Neuron tab now shows that neuron's weighted sum.",
         "neuron inspected", (_INSPECT, "graph"),
         Setup(network="example", two=True, dock=_INSPECT, inspect=(1, None)),
         where="The Neuron tab writes it out with the real numbers: the largest terms w·a, then the rest summed."),
    Step("bias", "The bias",
         "Only the weighted sum, and a neuron would light up whenever enough of its inputs did. The <b>bias</b> is "
         "one more number, added to the weighted sum: z = w·a + b. A negative bias makes a neuron hold back until "
         "its weighted sum is well above zero. Every neuron after the input layer has its own bias, and learning "
         "adjusts the biases just as it does the weights. {where}",
         "Click an output neuron (on the right of the graph) and compare its bias with this hidden neuron's.",
         "Each neuron has a bias of its own.",
         "output neuron", (_INSPECT, "graph"),
         Setup(network="example", two=True, dock=_INSPECT, inspect=(1, None)),
         where="The Neuron tab shows it as the last term, + b."),
    Step("squishification", "The squishification function",
         "The weighted sum plus the bias can be any number; the activation is that number squished. The "
         "explanation uses the <b>sigmoid</b>, σ(z) = 1 / (1 + e<sup>−z</sup>): a very negative z gives nearly 0, a "
         "very positive one nearly 1. This <b>squishification function</b> could be another: the example network "
         "uses ReLU, max(0, z), in its hidden layers and softmax (ten shares that add up to 1) at its outputs. A "
         "whole layer at once: a′ = σ(W a + b). {where}",
         "Change the drawing and watch z slide along the curve (or click another neuron: each has its own z).",
         "z moved, and the activation with it.",
         "z moved", (_INSPECT, "draw"), Setup(network="example", two=True, dock=_INSPECT, inspect=(1, None)),
         where="The Neuron tab draws this neuron's own curve with its z marked on it."),
    Step("cost-one", "The cost of one example",
         "To learn, the network must know how wrong it is. For an image of a 2, output 2 should be 1 and the other "
         "nine 0. Square how far each output is from what it should be and add the ten up: that is the <b>cost</b> "
         "of this one example (nnviz halves it, as textbooks do). The network now starts again from random weights, "
         "as training does, so it answers badly and the cost is large.",
         "In the Backpropagation tab, set “should be” to another digit: the cost changes, since now another output "
         "should be the 1.",
         "A different right answer, a different cost.",
         "target changed", ("backprop", "bars"),
         Setup(network="fresh", two=True, dock="backprop", backprop_canvas=True),
         without_data="Without MNIST the example network stays; it measures its cost with cross-entropy instead: "
                      "−log of what it gives the right digit."),
    Step("cost-all", "The cost of all of them",
         "One example says little: the network should do well on every one. The <b>cost function</b> is the average "
         "cost over all 60,000 training examples, one number for each setting of the network's 13,002 weights and "
         "biases. Training measures it a mini-batch at a time: the faint line in the cost plot joins those costs, each "
         "the average over 10 images. (What the network learned shows every test image's own cost, and their average.)",
         "Press Step (or →) a few times: the cost plot gains a mini-batch each time.",
         "Each Step measured the cost of one more mini-batch.",
         "stepped", ("cost", "training"), Setup(network="fresh", fresh_until=1000, dock="training"),
         needs_data=True),
    Step("gradient-descent", "Gradient descent",
         "To lower the cost, move every weight and bias a little in the direction that makes the cost fall fastest: "
         "against the <b>gradient</b> of the cost. Then again, and again: that is <b>gradient descent</b>, rolling "
         "downhill in a landscape of 13,002 dimensions. One Step is one such move, measured on one mini-batch; "
         "Train takes one after another — here in slow motion, 10 a second.",
         "Press Train and watch the cost fall.",
         "The cost fell: the network is learning.",
         "cost fell", ("cost", "training"),
         Setup(network="fresh", fresh_until=50, speed=10, dock="training"), needs_data=True),
    Step("learning-rate", "How big a step",
         "How far each step goes is the <b>learning rate</b> η: every weight moves by η times its share of the "
         "negative gradient. The Gradient descent tab draws the cost along the downhill direction and the step this "
         "η takes on it. Too small and training crawls; too large and each step jumps past the valley, so the cost "
         "climbs instead of falling.",
         "Change the learning rate in the Training tab (try 0.3 or 30), then come back here to see the new step.",
         "A new learning rate: a step of another length.",
         "learning rate changed", ("landscape",), Setup(paused=False, dock="landscape"), needs_data=True),
    Step("backprop-nudges", "Backpropagation: what the cost asks",
         "Which way should each weight move? <b>Backpropagation</b> works it out backwards from the outputs. For "
         "this 2, output 2 should go up and the other nine down: the bars beside the output neurons. Each output's "
         "wish becomes wishes for its bias, for its weights (most where the activation before is large) and for the "
         "activations before it (most where the weight is large); those add up into the previous layer's nudges, "
         "and so on back to the first hidden layer.",
         "Press “Apply one step”: one step of gradient descent on just this 2. Watch output 2 rise.",
         "Output 2 rose: one step on one example.",
         "output rose", ("backprop", "graph"),
         Setup(two=True, dock="backprop", backprop_canvas=True), needs_data=True,
         without_data="The nudges are there on the example network; applying a step needs the training network."),
    Step("backprop-batch", "Backpropagation: a mini-batch's average",
         "A step for one example makes the network read that one image better, and can make it worse at others. "
         "Gradient descent takes the average of the nudges over many examples instead — a mini-batch of 10 in each "
         "step of training — so that every step helps most of them a little. Averaging over a mini-batch rather "
         "than all 60,000 examples makes the steps quick, if a bit noisy.",
         "Choose Example: “the next mini-batch”: the nudges become the average of its 10 images.",
         "Those are the nudges of a real training step.",
         "batch averaged", ("backprop", "graph"), Setup(dock="backprop"), needs_data=True),
    Step("random-labels", "Experiment: random labels",
         "The explanation tells of an experiment: train the same network on images whose labels were shuffled at "
         "random. It learns properly labelled data much faster. Here both train side by side: the true labels' cost "
         "falls while the <b>random labels</b>' cost (orange) stalls near 0.45 — a network this small cannot "
         "memorise 60,000 arbitrary answers.",
         "Choose Training → Experiment: true vs random labels (the network it offers to throw away is the tour's, "
         "not yours), and watch the two costs part.",
         "Two networks now train at once; watch which learns.",
         "experiment started", ("cost",), Setup(speed=100, dock="training"), needs_data=True),
    Step("noise", "Experiment: pure noise",
         "The network has only ever seen digits, and it has no way to say “none of these”. Show it an image of pure "
         "random <b>noise</b> and it still answers, often confidently: its hidden neurons respond less to tidy "
         "strokes and loops than to whatever patterns of pixels happened to help. That is the whole explanation: "
         "Finish (or Leave) puts your own network back.",
         "Press Noise, or 100 noise images to see which digits it finds in a hundred of them.",
         "It answered noise with a digit.",
         "noise shown", ("draw",), Setup()),
)


def index_of(key: str | None) -> int:
    """The index of the step called ``key`` (0 if there is none: a tour remembered by an older build)."""
    return next((i for i, s in enumerate(STEPS) if s.key == key), 0)


def cost_fell(costs: np.ndarray, window: int = 10, factor: float = 0.9) -> bool:
    """True if the mini-batch costs since Train was pressed ``(n,)`` fell: the mean of the last ``window`` is below
    ``factor`` times the mean of the first ``window`` (a mini-batch's cost is noisy: one batch proves nothing)."""
    costs = np.asarray(costs, np.float64)
    costs = costs[np.isfinite(costs)]
    if len(costs) < 2 * window:
        return False
    return float(costs[-window:].mean()) < factor * float(costs[:window].mean())


def neuron_to_inspect(network, x: np.ndarray, layer: int) -> int:
    """The neuron of hidden layer ``layer`` (1 … L−1) to show first for the input ``x`` (784,): lit, and where its
    curve still moves — the largest a·f′(z) (for ReLU the most active; for the sigmoid one near a = 2/3, neither
    stuck at 0 nor saturated at 1), so that changing the drawing moves its z and its activation visibly."""
    fp = network.forward(np.asarray(x, np.float32).reshape(1, -1))
    z, a = fp.weighted_sums[layer - 1][0].astype(np.float64), fp.activations[layer][0]
    f, h = network.activation_for(layer), 1e-3
    slope = (f.forward((z + h)[None])[0] - f.forward((z - h)[None])[0]) / (2 * h)
    return int(np.argmax(a * slope))


def drawn_two() -> np.ndarray:
    """A 2 drawn the way MNIST's are (a soft stroke, fitted into 20×20 and centred), for when MNIST is missing:
    ``(28, 28)`` float32 in [0, 1]."""

    def curve(p0, p1, p2, n=40):
        t = np.linspace(0.0, 1.0, n)[:, None]
        return (1 - t) ** 2 * np.array(p0) + 2 * (1 - t) * t * np.array(p1) + t ** 2 * np.array(p2)

    # the top arc, the diagonal down to the left, the base: three quadratic curves through (x, y) points
    points = np.concatenate([curve((6, 9), (7, 3), (14, 3)), curve((14, 3), (22, 3), (20, 10)),
                             curve((20, 10), (18, 14), (7, 23)), curve((7, 23), (14, 22), (22, 23))])
    rows, cols = np.mgrid[0:28, 0:28] + 0.5
    distance = np.hypot(cols[..., None] - points[:, 0], rows[..., None] - points[:, 1]).min(axis=-1)
    return normalize(np.clip(2.1 - distance, 0.0, 1.0))
