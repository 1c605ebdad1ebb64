package ai.hubert.model.checkpoint.torch;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * razorvine Unpickler for {@code data.pkl}: resolves persistent ids to {@link TorchStorage}s, rebuilds tensors,
 * keeps dict insertion order, and turns every class it has no constructor for into a {@link PickledObject} (so that
 * irrelevant parts of a checkpoint, such as logging meters, never stop the read). Globals are resolved per instance,
 * without razorvine's static registry.
 */
final class TorchUnpickler extends Unpickler {

    private final TorchArchive archive;
    private final Map<String, TorchStorage> storages = new HashMap<>();

    TorchUnpickler(TorchArchive archive) {
        this.archive = archive;
    }

    /** Marker pushed for {@code torch.<X>Storage} globals; only valid inside persistent ids. */
    record StorageType(String name, TorchDtype dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("Expected " + name + " only inside a storage persistent id, found a call");
        }
    }

    /** Constructor of classes without a Java counterpart. */
    record OpaqueClass(String name) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            return new PickledObject(name, args);
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                String name = (String) stack.pop();
                String module = (String) stack.pop();
                stack.add(resolve(module, name));
            }
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                @SuppressWarnings("unchecked")
                Map<Object, Object> dict = (Map<Object, Object>) stack.peek();
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    dict.put(items.get(i), items.get(i + 1));
                }
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                if (target instanceof PickledObject p) {
                    p.setState(state);
                } else if (!(target instanceof Map)) {
                    // dict subclasses (OrderedDict with state_dict()'s _metadata) keep their items, lose attributes
                    throw new PickleException("Cannot apply pickled state to an object of Java type "
                            + (target == null ? "null" : target.getClass().getName()));
                }
            }
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    private IObjectConstructor resolve(String module, String name) {
        String qualified = module + "." + name;
        if (module.equals("torch")) {
            TorchDtype dtype = TorchDtype.ofStorageClass(name);
            if (dtype != null) {
                return new StorageType(qualified, dtype);
            }
        }
        switch (qualified) {
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
                return this::rebuildTensor;
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
                return args -> args[0];
            case "collections.OrderedDict":
                return TorchUnpickler::orderedDict;
            case "copyreg._reconstructor", "copy_reg._reconstructor":
                return args -> args[0] instanceof OpaqueClass c ? new PickledObject(c.name(), new Object[0])
                        : new PickledObject(qualified, args);
            default:
                IObjectConstructor builtin = objectConstructors.get(qualified);
                return builtin != null ? builtin : new OpaqueClass(qualified);
        }
    }

    private static Object orderedDict(Object[] args) {
        Map<Object, Object> map = new LinkedHashMap<>();
        if (args.length > 0 && args[0] instanceof List<?> items) {
            for (Object item : items) {
                Object[] pair = (Object[]) item;
                map.put(pair[0], pair[1]);
            }
        }
        return map;
    }

    private Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof TorchStorage storage)) {
            throw new PickleException("Expected _rebuild_tensor(storage, offset, size, stride, ...), found "
                    + args.length + " arguments" + (args.length > 0 ? " starting with " + describe(args[0]) : ""));
        }
        return new TorchTensor(storage, toLong(args[1]), toLongs(args[2]), toLongs(args[3]));
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
            throw new PickleException("Expected a persistent id ('storage', type, key, location, numel), found "
                    + describe(pid));
        }
        if (!(t[1] instanceof StorageType type)) {
            String found = t[1] instanceof OpaqueClass c ? c.name() : describe(t[1]);
            throw new PickleException("Unsupported storage type " + found + "; expected one of torch.FloatStorage, "
                    + "DoubleStorage, HalfStorage, BFloat16Storage, LongStorage, IntStorage, ShortStorage, "
                    + "CharStorage, ByteStorage, BoolStorage");
        }
        String key = String.valueOf(t[2]);
        long numel = toLong(t[4]);
        TorchStorage s = storages.computeIfAbsent(key, k -> new TorchStorage(archive, k, type.dtype(), numel));
        if (s.dtype() != type.dtype() || s.numel() != numel) {
            throw new PickleException("Storage " + key + " referenced as " + type.dtype() + "[" + numel
                    + "] after " + s.dtype() + "[" + s.numel() + "]");
        }
        return s;
    }

    private static long toLong(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        throw new PickleException("Expected an integer, found " + describe(o));
    }

    private static long[] toLongs(Object o) {
        Object[] items;
        if (o instanceof Object[] a) {
            items = a;
        } else if (o instanceof List<?> l) {
            items = l.toArray();
        } else {
            throw new PickleException("Expected a tuple of integers, found " + describe(o));
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = toLong(items[i]);
        }
        return out;
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof PickledObject p) {
            return "an object of pickle global " + p.className();
        }
        return o.getClass().getSimpleName() + " " + o;
    }
}
