package ai.hubert.model.checkpoint.torch;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An instance of a Python class the reader has no Java counterpart for (for example {@code argparse.Namespace} or
 * fairseq's logging meters): the class's qualified name, the constructor arguments and the state set by pickle's
 * {@code BUILD} (usually the instance {@code __dict__}).
 */
public final class PickledObject {

    private final String className;
    private final List<Object> args;
    private Object state;

    PickledObject(String className, Object[] args) {
        this.className = className;
        this.args = Collections.unmodifiableList(Arrays.asList(args.clone()));
    }

    /** Qualified Python name, e.g. {@code argparse.Namespace}. */
    public String className() {
        return className;
    }

    /** Constructor / reduce arguments (unmodifiable). */
    public List<Object> args() {
        return args;
    }

    /** State applied by {@code BUILD}, or null if none. */
    public Object state() {
        return state;
    }

    /**
     * The state as an attribute map ({@code obj.__dict__}).
     *
     * @throws IllegalStateException if the state is not a dict
     */
    public Map<?, ?> attributes() {
        if (state instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalStateException("Expected the pickled state of " + className + " to be a dict, found "
                + (state == null ? "none" : state.getClass().getSimpleName()));
    }

    void setState(Object state) {
        this.state = state;
    }

    @Override
    public String toString() {
        return "PickledObject[" + className + "]";
    }
}
