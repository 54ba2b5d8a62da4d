"""Stop word lists shared by the Elasticsearch definitions and the embedded analysers.

English, Russian and Arabic mirror the lists of Lucene's language analyzers (the
embedded backend must drop the same words, or an AND query would fail on it alone).
Urdu has no Lucene analyzer: the list is ours, written in Urdu spelling; both backends
match it after Arabic/Persian normalisation (see folding.urdu_stopwords)."""

ENGLISH = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split()
)

RUSSIAN = frozenset(
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только "
    "ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни "
    "быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где "
    "есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж "
    "тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее "
    "сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше "
    "тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой "
    "перед иногда лучше чуть том нельзя такой им более всегда конечно всю между".split()
)

ARABIC = frozenset(
    "من ومن منها منه في وفي فيها فيه و ف ثم او أو ب بها به ا أ اى اي أي أى لا ولا الا ألا إلا "
    "لكن ما وما كما فما عن مع اذا إذا ان أن إن انها أنها إنها انه أنه إنه بان بأن فان فأن وان "
    "وأن وإن التى التي الذى الذي الذين الى الي إلى إلي على عليها عليه اما أما إما ايضا أيضا "
    "كل وكل لم ولم لن ولن هى هي هو وهى وهي وهو فهى فهي فهو انت أنت لك لها له هذه هذا تلك ذلك "
    "هناك كانت كان يكون تكون وكانت وكان غير بعض قد نحو بين بينما منذ ضمن حيث الان الآن خلال "
    "بعد قبل حتى عند عندما لدى جميع".split()
)

# Function words of Urdu (postpositions, copula, pronouns), in Urdu keyboard spelling.
URDU = frozenset(
    "کا کی کے ہے ہیں میں اور سے کو نے پر یہ وہ تھا تھی تھے بھی تو ہو کر جو کہ اس ان "
    "لیے لئے گیا گئی گئے ہوا ہوئی ہوئے رہا رہی رہے والا والی والے کیا".split()
)
