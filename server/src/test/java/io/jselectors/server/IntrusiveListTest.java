package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worker's connection list: O(1) add and remove, and walks that survive removal. */
class IntrusiveListTest {

    static final class Node {
        final int id;
        Node prev;
        Node next;

        Node(int id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return "node " + id;
        }
    }

    static final class Nodes extends IntrusiveList<Node> {
        @Override
        protected Node prev(Node e) {
            return e.prev;
        }

        @Override
        protected Node next(Node e) {
            return e.next;
        }

        @Override
        protected void setPrev(Node e, Node prev) {
            e.prev = prev;
        }

        @Override
        protected void setNext(Node e, Node next) {
            e.next = next;
        }
    }

    private final Nodes list = new Nodes();

    private Node[] addNodes(int n) {
        Node[] nodes = new Node[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = new Node(i);
            list.add(nodes[i]);
        }
        return nodes;
    }

    private List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        list.forEach(e -> ids.add(e.id));
        return ids;
    }

    @Test
    void keepsTheOrderOfAddingAndRemovesFromAnyPlace() {
        Node[] n = addNodes(5);
        assertThat(ids()).containsExactly(0, 1, 2, 3, 4);
        assertThat(list.size()).isEqualTo(5);

        assertThat(list.remove(n[2])).isTrue(); // middle
        assertThat(ids()).containsExactly(0, 1, 3, 4);
        assertThat(list.remove(n[0])).isTrue(); // head
        assertThat(ids()).containsExactly(1, 3, 4);
        assertThat(list.remove(n[4])).isTrue(); // tail
        assertThat(ids()).containsExactly(1, 3);
        assertThat(list.size()).isEqualTo(2);

        Node late = new Node(9);
        list.add(late); // after a tail removal the new tail links to the right element
        assertThat(ids()).containsExactly(1, 3, 9);
        list.remove(n[1]);
        list.remove(n[3]);
        list.remove(late);
        assertThat(list.isEmpty()).isTrue();
        assertThat(ids()).isEmpty();
    }

    @Test
    void removingWhatIsNotInTheListChangesNothing() {
        Node[] n = addNodes(3);
        assertThat(list.remove(new Node(7))).isFalse();
        assertThat(list.remove(n[1])).isTrue();
        assertThat(list.remove(n[1])).as("the second removal").isFalse();
        assertThat(list.contains(n[1])).isFalse();
        assertThat(list.contains(n[0])).isTrue();
        assertThat(ids()).containsExactly(0, 2);
        assertThat(list.size()).isEqualTo(2);
    }

    @Test
    void aRemovedElementKeepsNoLinks() {
        // A closed connection something still refers to must not keep later ones reachable.
        Node[] n = addNodes(3);
        List<Integer> seen = new ArrayList<>();
        list.forEach(e -> {
            seen.add(e.id);
            if (e.id == 0) {
                list.remove(n[0]);
                list.remove(n[1]);
            }
        });
        assertThat(seen).containsExactly(0, 2);
        list.remove(n[2]);
        for (Node e : n) {
            assertThat(e.prev).isNull();
            assertThat(e.next).isNull();
        }
    }

    @Test
    void aWalkInsideAWalkIsRefused() {
        addNodes(2);
        assertThatThrownBy(() -> list.forEach(e -> list.forEach(f -> {})))
                .isInstanceOf(IllegalStateException.class);
        assertThat(ids()).as("usable after the refused walk").containsExactly(0, 1);
    }

    @Test
    void addingAnElementThatIsInTheListIsRefused() {
        Node[] n = addNodes(2);
        assertThatThrownBy(() -> list.add(n[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> list.add(n[1])).isInstanceOf(IllegalStateException.class);
        assertThat(ids()).containsExactly(0, 1);
    }

    @Test
    void aWalkWhoseActionRemovesTheCurrentElementVisitsEveryElement() {
        Node[] n = addNodes(6);
        List<Integer> seen = new ArrayList<>();
        list.forEach(e -> {
            seen.add(e.id);
            list.remove(e); // what closing every connection on shutdown does
        });
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(list.isEmpty()).isTrue();
        for (Node e : n) {
            assertThat(list.contains(e)).isFalse();
        }
    }

    @Test
    void aWalkSkipsElementsItsActionRemovedAheadOfIt() {
        Node[] n = addNodes(6);
        List<Integer> seen = new ArrayList<>();
        list.forEach(e -> {
            seen.add(e.id);
            if (e.id == 1) {
                list.remove(n[1]);
                list.remove(n[3]); // removed in the opposite order of the list
                list.remove(n[2]);
            }
        });
        assertThat(seen).containsExactly(0, 1, 4, 5);
        assertThat(ids()).containsExactly(0, 4, 5);
    }

    @Test
    void aWalkEndsWhenItsActionRemovesEverythingAfterIt() {
        Node[] n = addNodes(4);
        List<Integer> seen = new ArrayList<>();
        list.forEach(e -> {
            seen.add(e.id);
            if (e.id == 0) {
                list.remove(n[3]);
                list.remove(n[0]);
                list.remove(n[2]);
                list.remove(n[1]);
            }
        });
        assertThat(seen).containsExactly(0);
        assertThat(list.isEmpty()).isTrue();
    }

    @Test
    void aWalkSurvivesRemovalOfElementsBehindIt() {
        Node[] n = addNodes(5);
        List<Integer> seen = new ArrayList<>();
        list.forEach(e -> {
            seen.add(e.id);
            if (e.id == 3) {
                list.remove(n[0]);
                list.remove(n[2]);
                list.remove(n[3]);
            }
        });
        assertThat(seen).containsExactly(0, 1, 2, 3, 4);
        assertThat(ids()).containsExactly(1, 4);
    }

    /**
     * Random removals (and additions) from inside a walk, against the rule: every element in the
     * list when the walk started and still in it when the walk gets there is visited once, nothing
     * removed is visited after its removal, and what the list holds afterwards is the model's.
     */
    @Test
    void randomRemovalsDuringAWalkKeepTheRule() {
        Random random = new Random(20261130);
        int nextId = 0;
        for (int round = 0; round < 500; round++) {
            Nodes nodes = new Nodes();
            List<Node> model = new ArrayList<>();
            int n = 1 + random.nextInt(30);
            for (int i = 0; i < n; i++) {
                Node e = new Node(nextId++);
                nodes.add(e);
                model.add(e);
            }
            List<Node> atStart = List.copyOf(model);
            Set<Node> removed = new HashSet<>();
            Set<Node> added = new HashSet<>();
            Set<Node> visited = new LinkedHashSet<>();
            int[] ids = {nextId};
            nodes.forEach(e -> {
                assertThat(removed).as("visited after removal").doesNotContain(e);
                assertThat(visited.add(e)).as("visited twice: %s", e).isTrue();
                int removals = random.nextInt(4);
                for (int r = 0; r < removals && !model.isEmpty(); r++) {
                    Node victim = model.remove(random.nextInt(model.size()));
                    assertThat(nodes.remove(victim)).isTrue();
                    removed.add(victim);
                }
                if (random.nextInt(5) == 0) {
                    Node fresh = new Node(ids[0]++);
                    nodes.add(fresh);
                    model.add(fresh);
                    added.add(fresh);
                }
            });
            nextId = ids[0];
            for (Node e : atStart) {
                // Not removed at all, or removed after the walk had been there.
                if (!removed.contains(e)) {
                    assertThat(visited).as("still listed but not visited: %s", e).contains(e);
                }
            }
            List<Node> after = new ArrayList<>();
            nodes.forEach(after::add);
            assertThat(after).containsExactlyElementsOf(model);
            assertThat(nodes.size()).isEqualTo(model.size());
            for (Node e : visited) {
                assertThat(atStart.contains(e) || added.contains(e)).isTrue();
            }
        }
    }
}
