package io.rstwatch.cli;

import io.rstwatch.log.ForeignText;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanServerConnection;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.OpenDataException;

/** Text from a target, made safe to print on a terminal, as {@link ForeignText} says. */
final class Printable {
    private Printable() {}

    static String clean(String s) {
        return ForeignText.clean(s);
    }

    /** A connection whose attribute values have every string in them cleaned. */
    static MBeanServerConnection cleaning(MBeanServerConnection c) {
        return (MBeanServerConnection) Proxy.newProxyInstance(
                MBeanServerConnection.class.getClassLoader(),
                new Class<?>[] {MBeanServerConnection.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    String name = method.getName();
                    return name.equals("getAttribute") || name.equals("getAttributes") ? cleanValue(result) : result;
                });
    }

    static Object cleanValue(Object v) throws OpenDataException {
        if (v instanceof String) {
            return clean((String) v);
        }
        if (v instanceof String[]) {
            String[] a = ((String[]) v).clone();
            for (int i = 0; i < a.length; i++) {
                a[i] = clean(a[i]);
            }
            return a;
        }
        if (v instanceof CompositeData) {
            CompositeData d = (CompositeData) v;
            String[] keys = d.getCompositeType().keySet().toArray(new String[0]);
            Object[] values = d.getAll(keys);
            for (int i = 0; i < values.length; i++) {
                values[i] = cleanValue(values[i]);
            }
            return new CompositeDataSupport(d.getCompositeType(), keys, values);
        }
        if (v instanceof CompositeData[]) {
            CompositeData[] a = ((CompositeData[]) v).clone();
            for (int i = 0; i < a.length; i++) {
                a[i] = (CompositeData) cleanValue(a[i]);
            }
            return a;
        }
        if (v instanceof AttributeList) {
            AttributeList out = new AttributeList();
            for (Attribute a : ((AttributeList) v).asList()) {
                out.add(new Attribute(a.getName(), cleanValue(a.getValue())));
            }
            return out;
        }
        return v;
    }
}
